package org.medshare.abe.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.HexFormat;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.medshare.abe.Suite;

class UploadStatementTest {

    private static UploadStatement statement(String key, String tagValue) {
        TreeMap<String, String> tags = new TreeMap<>();
        tags.put("year", tagValue);
        tags.put("kind", "bundle");
        return new UploadStatement(
                "hospital-a",
                key,
                "org:hospital-a OR purpose:stats",
                UploadStatement.sha256("envelope".getBytes(StandardCharsets.UTF_8)),
                UploadStatement.sha256("rows".getBytes(StandardCharsets.UTF_8)),
                tags);
    }

    @Test
    void canonicalFormIsTheDocumentedText() {
        HexFormat hex = HexFormat.of();
        String expected = "medshare-upload-v1\n"
                + "org:hospital-a\n"
                + "key:rec-1\n"
                + "policy:org:hospital-a OR purpose:stats\n"
                + "envelope-sha256:"
                + hex.formatHex(UploadStatement.sha256("envelope".getBytes(StandardCharsets.UTF_8))) + "\n"
                + "rows-sha256:" + hex.formatHex(UploadStatement.sha256("rows".getBytes(StandardCharsets.UTF_8))) + "\n"
                + "tag:kind=bundle\n"
                + "tag:year=2025\n";
        assertEquals(expected, new String(statement("rec-1", "2025").canonicalBytes(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void signatureVerifiesAndAnyChangeBreaksIt(Suite suite) throws Exception {
        KeyPair pair = SigningKeys.generate(suite);
        UploadStatement s = statement("rec-1", "2025");
        byte[] sig = s.sign(pair.getPrivate(), suite);
        var decoded = SigningKeys.decodePublic(pair.getPublic().getEncoded());
        assertEquals(suite, SigningKeys.suiteOf(decoded));
        assertTrue(s.verify(decoded, sig));
        assertFalse(statement("rec-2", "2025").verify(decoded, sig), "other idempotency key");
        assertFalse(statement("rec-1", "2026").verify(decoded, sig), "other tag");
        sig[sig.length / 2] ^= 1;
        assertFalse(s.verify(decoded, sig), "flipped signature bit");
        KeyPair other = SigningKeys.generate(suite);
        assertFalse(s.verify(other.getPublic(), s.sign(pair.getPrivate(), suite)), "other key");
        assertArrayEquals(
                pair.getPrivate().getEncoded(),
                SigningKeys.decodePrivate(suite, pair.getPrivate().getEncoded()).getEncoded());
    }

    @Test
    void refusesLineBreaksBadKeysAndDigests() {
        assertThrows(IllegalArgumentException.class, () -> statement("rec 1", "x"));
        assertThrows(IllegalArgumentException.class, () -> statement("rec-1", "a\nb"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new UploadStatement("h", "k", "p", new byte[31], new byte[32], new TreeMap<>()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new UploadStatement("h\norg:x", "k", "p", new byte[32], new byte[32], new TreeMap<>()));
        TreeMap<String, String> badTag = new TreeMap<>();
        badTag.put("Bad Name", "v");
        assertThrows(
                IllegalArgumentException.class,
                () -> new UploadStatement("h", "k", "p", new byte[32], new byte[32], badTag));
    }

    @Test
    void recordIdDependsOnOrganisationAndKeyOnly() {
        assertEquals(
                statement("rec-1", "2025").recordId(),
                statement("rec-1", "2026").recordId());
        assertFalse(statement("rec-1", "2025")
                .recordId()
                .equals(statement("rec-2", "2025").recordId()));
        assertFalse(UploadStatement.recordId("hospital-a", "k").equals(UploadStatement.recordId("hospital-b", "k")));
        assertEquals(36, UploadStatement.recordId("hospital-a", "k").length());
    }

    @Test
    void garbagePublicKeyIsRefused() {
        assertThrows(GeneralSecurityException.class, () -> SigningKeys.decodePublic(new byte[] {1, 2, 3}));
    }
}
