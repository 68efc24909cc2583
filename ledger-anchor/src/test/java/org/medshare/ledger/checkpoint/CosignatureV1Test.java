package org.medshare.ledger.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CosignatureV1Test {
    /** RFC 8032 §7.1, test 1: the secret key. */
    private static final byte[] SEED =
            HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    private static final long TIME = 1_796_567_400L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(TIME), ZoneOffset.UTC);
    private static final Checkpoint CHECKPOINT =
            new Checkpoint("medshare.example/consortium", 20_852_163, new byte[32]);

    private static CheckpointSigner cosigner() throws Exception {
        return CosignatureV1.cosigner(NoteKeys.ed25519FromSeed("hospital-a", SEED), CLOCK);
    }

    @Test
    void theSignedMessageIsTheSpecificationsHeaderTimeLineAndNoteBody() {
        String body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        assertEquals(
                "cosignature/v1\ntime 1679315147\n" + body,
                new String(
                        CosignatureV1.signedMessage(1_679_315_147L, body.getBytes(StandardCharsets.UTF_8)),
                        StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> CosignatureV1.signedMessage(-1, new byte[0]));
    }

    @Test
    void theKeyIdHashesTypeFourAndTheVerifierKeyRoundTrips() throws Exception {
        NoteVerifier v = cosigner().verifier();
        byte[] blob = Base64.getDecoder().decode(v.encode().split("\\+", 3)[2]);
        assertEquals(33, blob.length);
        assertEquals(0x04, blob[0]);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update("hospital-a\n".getBytes(StandardCharsets.UTF_8));
        md.update(blob);
        assertEquals(ByteBuffer.wrap(md.digest(), 0, 4).getInt(), v.keyId());
        // RFC 8032 §7.1 test 1's public key
        assertArrayEquals(
                HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
                Arrays.copyOfRange(blob, 1, 33));

        NoteVerifier parsed = NoteKeys.parseVerifier(v.encode());
        assertTrue(CosignatureV1.isCosignatureKey(parsed));
        assertEquals(v.encode(), parsed.encode());
        NoteVerifier plain = NoteKeys.ed25519FromSeed("hospital-a", SEED).verifier();
        assertNotEquals(plain.keyId(), v.keyId());
        assertEquals(v.encode(), CosignatureV1.verifier(plain).encode());
    }

    @Test
    void aCosignatureIsTimestampedAndVerifiesOnlyAsACosignature() throws Exception {
        CheckpointSigner cosigner = cosigner();
        byte[] text = CHECKPOINT.format().getBytes(StandardCharsets.UTF_8);
        NoteSignature line = cosigner.sign(text);
        byte[] signature = line.signature();
        assertEquals(CosignatureV1.SIGNATURE_BYTES, signature.length);
        assertEquals(TIME, CosignatureV1.timestampOf(signature));
        assertEquals(cosigner.keyId(), line.keyId());

        NoteVerifier v = NoteKeys.parseVerifier(cosigner.verifier().encode());
        assertTrue(v.verify(text, signature));
        assertFalse(v.verify(
                CHECKPOINT.format().replace("20852163", "20852164").getBytes(StandardCharsets.UTF_8), signature));

        byte[] later = signature.clone();
        later[7]++;
        assertFalse(v.verify(text, later), "the timestamp is signed");
        byte[] negative = signature.clone();
        negative[0] = (byte) 0x80;
        assertFalse(v.verify(text, negative));
        assertThrows(IllegalArgumentException.class, () -> CosignatureV1.timestampOf(negative));
        assertFalse(v.verify(text, Arrays.copyOf(signature, 71)));
        assertFalse(v.verify(text, Arrays.copyOfRange(signature, 8, 72)), "a bare signature is not a cosignature");

        NoteVerifier plain = NoteKeys.ed25519FromSeed("hospital-a", SEED).verifier();
        assertFalse(plain.verify(text, signature));
        assertFalse(v.verify(
                text, NoteKeys.ed25519FromSeed("hospital-a", SEED).sign(text).signature()));
    }

    @Test
    void aQuorumOfCosignaturesMakesTheCheckpointVerify() throws Exception {
        CheckpointSigner a = cosigner();
        CheckpointSigner b = CosignatureV1.cosigner(NoteKeys.generateEd25519("hospital-b"), CLOCK);
        byte[] text = CHECKPOINT.format().getBytes(StandardCharsets.UTF_8);
        SignedCheckpoint signed = new SignedCheckpoint(
                CHECKPOINT, new SignedNote(CHECKPOINT.format(), List.of(a.sign(text), b.sign(text))));
        SignedCheckpoint reparsed = SignedCheckpoint.parse(signed.note().format(), 32);
        assertDoesNotThrow(() -> reparsed.verifyQuorum(List.of(a.verifier(), b.verifier()), 2));
        assertThrows(
                SignatureVerificationException.class,
                () -> reparsed.verifyQuorum(
                        List.of(
                                NoteKeys.ed25519FromSeed("hospital-a", SEED).verifier(),
                                CosignatureV1.plainKeyOf(b.verifier())),
                        1),
                "plain keys do not accept cosignatures");
    }

    /**
     * A fixed cosigned checkpoint (RFC 8032 test 1 key, fixed time) in the vector file the console's verifier is
     * tested against: the cosigner key line, then the note.
     */
    @Test
    void theCommittedVectorIsWhatThisCosignerSigns() throws Exception {
        CheckpointSigner cosigner = cosigner();
        String text = CHECKPOINT.format();
        String note = new SignedNote(text, List.of(cosigner.sign(text.getBytes(StandardCharsets.UTF_8)))).format();
        String expected = cosigner.verifier().encode() + "\n" + note;
        assertEquals(expected, Files.readString(Path.of("src/test/resources/cosignature-v1-vector.txt")));
    }
}
