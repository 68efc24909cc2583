package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RowChunkCodecTest {
    private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
    private final RowChunkCodec codec = new RowChunkCodec(new SecureRandom());

    @Test
    void encryptsInChunksOf4096SortedByPseudonymAndDecryptsBack() throws Exception {
        List<AnalyticsRow> rows = RowsTest.randomRows(10_000, 1);
        List<EncryptedChunk> chunks = codec.encrypt("rec-1", rows, KEY);
        assertEquals(3, chunks.size());
        assertEquals(4096, chunks.get(0).rowCount());
        assertEquals(10_000 - 8192, chunks.get(2).rowCount());
        List<AnalyticsRow> back = RowChunkCodec.decryptRows("rec-1", chunks, KEY);
        List<AnalyticsRow> expected = new ArrayList<>(rows);
        expected.sort(Comparator.comparingLong(AnalyticsRow::patientPseudonym));
        assertEquals(expected, back);
        for (EncryptedChunk c : chunks) {
            assertEquals(c, EncryptedChunk.parse(c.toBytes()));
        }
    }

    @Test
    void everyTamperingFailsAuthentication() throws Exception {
        List<EncryptedChunk> chunks = codec.encrypt("rec-1", RowsTest.randomRows(9000, 2), KEY);
        byte[] wire = chunks.get(1).toBytes();
        wire[wire.length - 40] ^= 1;
        List<EncryptedChunk> flipped = new ArrayList<>(chunks);
        flipped.set(1, EncryptedChunk.parse(wire));
        assertThrows(AEADBadTagException.class, () -> RowChunkCodec.decryptRows("rec-1", flipped, KEY), "bit flip");
        List<EncryptedChunk> swapped = List.of(chunks.get(1), chunks.get(0), chunks.get(2));
        assertThrows(AEADBadTagException.class, () -> RowChunkCodec.decryptRows("rec-1", swapped, KEY), "reordered");
        assertThrows(
                AEADBadTagException.class,
                () -> RowChunkCodec.decryptRows("rec-1", chunks.subList(0, 2), KEY),
                "truncated record");
        assertThrows(AEADBadTagException.class, () -> RowChunkCodec.decryptRows("rec-2", chunks, KEY), "other record");
        SecretKey other = new SecretKeySpec(
                new byte[] {
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                    28, 29, 30, 31, 32
                },
                "AES");
        assertThrows(AEADBadTagException.class, () -> RowChunkCodec.decryptRows("rec-1", chunks, other), "wrong key");
        AEADBadTagException e =
                assertThrows(AEADBadTagException.class, () -> RowChunkCodec.decryptRows("rec-2", chunks, KEY));
        assertEquals("row chunk authentication failed", e.getMessage());
    }

    @Test
    void malformedWireAndKeysAreRefused() throws Exception {
        byte[] wire = codec.encrypt("r", RowsTest.randomRows(10, 3), KEY).get(0).toBytes();
        byte[] badMagic = wire.clone();
        badMagic[0] = 'X';
        assertThrows(IllegalArgumentException.class, () -> EncryptedChunk.parse(badMagic));
        byte[] badVersion = wire.clone();
        badVersion[4] = 2;
        assertThrows(IllegalArgumentException.class, () -> EncryptedChunk.parse(badVersion));
        byte[] trailing = Arrays.copyOf(wire, wire.length + 1);
        assertThrows(IllegalArgumentException.class, () -> EncryptedChunk.parse(trailing));
        assertThrows(IllegalArgumentException.class, () -> EncryptedChunk.parse(Arrays.copyOf(wire, 20)));
        assertThrows(
                InvalidKeyException.class,
                () -> codec.encrypt("r", RowsTest.randomRows(1, 1), new SecretKeySpec(new byte[16], "AES")));
        assertThrows(IllegalArgumentException.class, () -> codec.encrypt("r", List.of(), KEY));
        assertThrows(IllegalArgumentException.class, () -> codec.encrypt("", RowsTest.randomRows(1, 1), KEY));
    }
}
