package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.MasterKey;
import org.medshare.abe.Policy;
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
            rows.add(AnalyticsRow.of(1000 + i, 3 + i % 5, i % 2 == 0 ? Sex.FEMALE : Sex.MALE,
                    new int[] {Icd10.encode("I10")}, 10_000 + i, 8_000 + i, 202501 + i % 12, 1));
        }
        sealed = EncryptedRows.seal("rec-1", rows, authority.publicParameters(), POLICY, Suite.NIST,
                new SecureRandom(new byte[] {7}));
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
        badVersion[4] = 2;
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(badVersion));
        byte[] hugeKeyLength = wire.clone();
        hugeKeyLength[5] = (byte) 0x7f;
        assertThrows(IllegalArgumentException.class, () -> EncryptedRows.parse(hugeKeyLength));
        assertArrayEquals(wire, EncryptedRows.parse(wire).toBytes());
    }
}
