package org.medshare.enclave;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeSetTest {
    static final String VICTIM = "org/medshare/enclave/EnclaveServer.class";

    @Test
    void measuresEnclavePackagesInSortedOrderAndSkipsHostClasses() {
        CodeSet cs = CodeSet.ofRunningEnclave();
        List<String> names = cs.classNames();
        assertTrue(names.contains("org/medshare/enclave/EnclaveMain.class"));
        assertTrue(names.contains("org/medshare/enclave/attest/Quote.class"));
        assertTrue(names.stream().noneMatch(n -> n.startsWith("org/medshare/enclave/host/")));
        assertTrue(names.contains("org/medshare/abe/AbeScheme.class"), "the ABE library runs in the enclave");
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        assertEquals(sorted, names);
    }

    @Test
    void measurementIsDeterministicAndMatchesTheRunningEnclave() {
        CodeSet a = TestEnclaves.codeSetOf(TestEnclaves.mainClasses());
        CodeSet b = TestEnclaves.codeSetOf(TestEnclaves.mainClasses());
        assertArrayEquals(a.codeHash(), b.codeHash());
        assertEquals(32, a.codeHash().length);
    }

    @Test
    void tamperingOneClassChangesTheMeasurement(@TempDir Path tmp) throws Exception {
        CodeSet genuine = TestEnclaves.codeSetOf(TestEnclaves.mainClasses());
        CodeSet tampered = TestEnclaves.codeSetOf(TestEnclaves.tamperedCopy(tmp, VICTIM, "MedShare enclave-sim"));
        assertEquals(genuine.classNames(), tampered.classNames());
        assertFalse(Arrays.equals(genuine.codeHash(), tampered.codeHash()));
        byte[] cfg = TestEnclaves.CONFIG.configId();
        assertFalse(Arrays.equals(
                EnclaveIdentity.mrenclave(genuine.codeHash(), cfg),
                EnclaveIdentity.mrenclave(tampered.codeHash(), cfg)));
    }

    @Test
    void addingAClassChangesTheMeasurementButHostClassesDoNot(@TempDir Path tmp) throws Exception {
        Path copy = TestEnclaves.tamperedCopy(tmp, VICTIM, "MedShare enclave-sim");
        byte[] before = TestEnclaves.codeSetOf(copy).codeHash();
        Files.write(copy.resolve("org/medshare/enclave/host/Extra.class"), new byte[] {1, 2, 3});
        assertArrayEquals(before, TestEnclaves.codeSetOf(copy).codeHash());
        Files.write(copy.resolve("org/medshare/enclave/Extra.class"), new byte[] {1, 2, 3});
        assertFalse(Arrays.equals(before, TestEnclaves.codeSetOf(copy).codeHash()));
    }

    @Test
    void configurationIsPartOfTheMeasurement() {
        byte[] code = TestEnclaves.codeSetOf(TestEnclaves.mainClasses()).codeHash();
        EnclaveConfig other = EnclaveConfig.release(Map.of("purpose", "other"));
        assertFalse(Arrays.equals(
                EnclaveIdentity.mrenclave(code, TestEnclaves.CONFIG.configId()),
                EnclaveIdentity.mrenclave(code, other.configId())));
    }

    @Test
    void einitRefusesCodeThatDoesNotMatchTheSigStruct(@TempDir Path tmp) throws Exception {
        KeyPair vendor = TestEnclaves.newVendorKey();
        CodeSet genuine = TestEnclaves.codeSetOf(TestEnclaves.mainClasses());
        SigStruct sig = SigStruct.sign(genuine, TestEnclaves.CONFIG, 7, 3, vendor);
        EnclaveIdentity id = sig.launch(genuine, TestEnclaves.CONFIG);
        assertArrayEquals(SigStruct.mrsignerOf(vendor.getPublic()), id.mrsigner());
        assertEquals(3, id.svn());
        CodeSet tampered = TestEnclaves.codeSetOf(TestEnclaves.tamperedCopy(tmp, VICTIM, "MedShare enclave-sim"));
        assertThrows(EnclaveLaunchException.class, () -> sig.launch(tampered, TestEnclaves.CONFIG));
        assertThrows(
                EnclaveLaunchException.class,
                () -> sig.launch(genuine, EnclaveConfig.release(Map.of("purpose", "changed"))));
    }

    @Test
    void sigStructWithForeignSignatureIsRefused() throws Exception {
        CodeSet genuine = TestEnclaves.codeSetOf(TestEnclaves.mainClasses());
        byte[] bytes = SigStruct.sign(genuine, TestEnclaves.CONFIG, 7, 3, TestEnclaves.newVendorKey())
                .toBytes();
        bytes[1 + 32] ^= 1; // product id high byte: signature no longer matches
        SigStruct forged = SigStruct.parse(bytes);
        assertThrows(EnclaveLaunchException.class, () -> forged.launch(genuine, TestEnclaves.CONFIG));
        assertEquals(SigStruct.parse(forged.toBytes()).productId(), forged.productId());
    }
}
