package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.Envelope;
import org.medshare.abe.MasterKey;
import org.medshare.abe.Policy;
import org.medshare.abe.RecordKem;
import org.medshare.abe.Suite;

class EncryptedRowsTest {

    static final Policy POLICY = Policy.parse("org:hospital-a OR purpose:insurance-stats@2026Q4");
    static MasterKey authority;
    static List<AnalyticsRow> rows;
    static EncryptedRows sealed;

    @BeforeAll
    static void seal() throws Exception {
        authority = AbeScheme.create().setup(Suite.NIST);
        rows = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            rows.add(AnalyticsRow.of(
                    1000 + i,
                    3 + i % 5,
                    i % 2 == 0 ? Sex.FEMALE : Sex.MALE,
                    new int[] {Icd10.encode("I10")},
                    10_000 + i,
                    8_000 + i,
                    202501 + i % 12,
                    1));
        }
        sealed = EncryptedRows.seal(
                "rec-1", rows, authority.publicParameters(), POLICY, Suite.NIST, new SecureRandom(new byte[] {7}));
    }

    @Test
    void roundTripsThroughTheWireFormatAndOpensForASatisfyingKey() throws Exception {
        EncryptedRows parsed = EncryptedRows.parse(sealed.toBytes());
        assertEquals(2, parsed.chunks().size(), "5000 rows make two chunks of at most 4096");
        assertEquals(5000, parsed.rowCount());
        var key = AbeScheme.create().keygen(authority, Set.of("purpose:insurance-stats@2026Q4"));
        List<AnalyticsRow> opened = RowChunkCodec.decryptRows("rec-1", parsed.chunks(), parsed.openDataKey(key));
        assertEquals(rows.size(), opened.size());
        assertEquals(Set.copyOf(rows), Set.copyOf(opened));
    }

    @Test
    void aRecordWithoutRowsHasAContainerWithoutChunks() throws Exception {
        EncryptedRows empty = EncryptedRows.parse(EncryptedRows.seal(
                        "rec-0", List.of(), authority.publicParameters(), POLICY, Suite.NIST, new SecureRandom())
                .toBytes());
        assertEquals(List.of(), empty.chunks());
        assertEquals(0, empty.rowCount());
        assertEquals(POLICY, empty.policy());
        var key = AbeScheme.create().keygen(authority, Set.of("org:hospital-a"));
        assertEquals(List.of(), RowChunkCodec.decryptRows("rec-0", empty.chunks(), empty.openDataKey(key)));
    }

    @Test
    void aKeyThatDoesNotSatisfyThePolicyCannotOpenTheDataKey() {
        var key = AbeScheme.create().keygen(authority, Set.of("org:hospital-b"));
        assertThrows(DecryptionFailedException.class, () -> sealed.openDataKey(key));
    }

    @Test
    void malformedWireIsRefusedWithoutAllocatingWhatItClaims() {
        byte[] wire = sealed.toBytes();
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(Arrays.copyOf(wire, wire.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(Arrays.copyOf(wire, wire.length + 1)));
        byte[] badMagic = wire.clone();
        badMagic[0] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(badMagic));
        byte[] badVersion = wire.clone();
        badVersion[4] = 3;
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(badVersion));
        byte[] badSuite = wire.clone();
        badSuite[5] = 9;
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(badSuite));
        byte[] badKem = wire.clone();
        badKem[10] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(badKem), "KEM ciphertext magic");
        byte[] hugeKeyLength = wire.clone();
        hugeKeyLength[6] = (byte) 0x7f;
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(hugeKeyLength));
        assertArrayEquals(wire, EncryptedRows.parse(wire).toBytes());
    }

    @Test
    void sharesTheEnvelopesEncapsulationAndNamesPolicyAndSuite() throws Exception {
        for (Suite suite : Suite.values()) {
            RecordKem kem = RecordKem.encapsulate(AbeScheme.create(), authority.publicParameters(), POLICY);
            byte[] bundle = "{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8);
            byte[] envelope = kem.envelope(suite, bundle);
            EncryptedRows shared =
                    EncryptedRows.parse(EncryptedRows.seal("rec-2", rows.subList(0, 10), kem, suite, new SecureRandom())
                            .toBytes());
            assertEquals(2, shared.version());
            assertEquals(POLICY, shared.policy());
            assertEquals(suite, shared.suite());
            var key = AbeScheme.create().keygen(authority, Set.of("org:hospital-a"));
            assertArrayEquals(bundle, Envelope.decrypt(key, envelope));
            assertEquals(
                    rows.subList(0, 10), RowChunkCodec.decryptRows("rec-2", shared.chunks(), shared.openDataKey(key)));
        }
    }

    @Test
    void aTamperedKemCiphertextNeverOpensTheRows() throws Exception {
        byte[] wire = sealed.toBytes();
        var key = AbeScheme.create().keygen(authority, Set.of("purpose:insurance-stats@2026Q4"));
        int kemLength = ByteBuffer.wrap(wire, 6, 4).getInt();
        byte[] tampered = wire.clone();
        tampered[10 + kemLength - 5] ^= 0x01;
        EncryptedRows parsed;
        try {
            parsed = EncryptedRows.parse(tampered);
        } catch (IllegalArgumentException e) {
            return;
        }
        EncryptedRows p = parsed;
        assertThrows(
                GeneralSecurityException.class,
                () -> RowChunkCodec.decryptRows("rec-1", p.chunks(), p.openDataKey(key)));
    }

    @Test
    void version1ContainersOfOlderClientsStillOpen() throws Exception {
        byte[] dataKey = new byte[32];
        new SecureRandom().nextBytes(dataKey);
        List<EncryptedChunk> chunks = new RowChunkCodec(new SecureRandom())
                .encrypt("rec-3", rows.subList(0, 5), new SecretKeySpec(dataKey, "AES"));
        byte[] wrapped = Envelope.encrypt(authority.publicParameters(), POLICY, Suite.GM, dataKey);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {'M', 'S', 'R', 'W', 1});
        out.writeInt(wrapped.length);
        out.write(wrapped);
        out.writeInt(chunks.size());
        for (EncryptedChunk c : chunks) {
            out.writeInt(c.toBytes().length);
            out.write(c.toBytes());
        }
        byte[] v1 = bytes.toByteArray();
        EncryptedRows parsed = EncryptedRows.parse(v1);
        assertEquals(1, parsed.version());
        assertEquals(POLICY, parsed.policy());
        assertEquals(Suite.GM, parsed.suite());
        assertArrayEquals(v1, parsed.toBytes());
        var key = AbeScheme.create().keygen(authority, Set.of("org:hospital-a"));
        assertEquals(rows.subList(0, 5), RowChunkCodec.decryptRows("rec-3", parsed.chunks(), parsed.openDataKey(key)));
        var outsider = AbeScheme.create().keygen(authority, Set.of("org:hospital-b"));
        assertThrows(DecryptionFailedException.class, () -> parsed.openDataKey(outsider));
    }
}
