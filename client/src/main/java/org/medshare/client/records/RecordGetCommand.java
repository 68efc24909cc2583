package org.medshare.client.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.Envelope;
import org.medshare.abe.EnvelopeReader;
import org.medshare.abe.MalformedCiphertextException;
import org.medshare.abe.Policy;
import org.medshare.abe.UserKey;
import org.medshare.abe.sign.SigningKeys;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;
import org.medshare.client.Files2;
import org.medshare.client.http.Json;
import org.medshare.client.login.ServiceCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medshare records get RECORD --key KEYFILE --purpose CODE --out FILE}: fetches a record's envelope (the
 * service logs the release with the purpose, and refuses it unless the policy, the patient's consent and the purpose
 * allow it), then, on this machine: checks that the bytes are the record's CID, that the hospital's upload signature
 * covers them and the record's policy, and that the envelope's own policy is the signed one; then decrypts with the
 * user key into {@code FILE}, written atomically. Any failed check is exit 1 with nothing written; bad arguments are
 * exit 2 before the service is asked.
 *
 * <p>The signature is checked against the signing key the service holds for the hospital unless {@code --signer-key}
 * pins the hospital's key obtained out of band, which also protects against a service that swaps key and signature.
 */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "Fetch a record, check its CID and its hospital's signature, and decrypt it with your key.")
final class RecordGetCommand extends ServiceCommand {
    static final String PURPOSE = "[A-Z]{2,16}";

    @Parameters(index = "0", paramLabel = "RECORD", description = "the record id (from `medshare records search`)")
    String record;

    @Option(names = "--key", required = true, paramLabel = "KEYFILE", description = "your ABE user key file")
    Path key;

    @Option(
            names = "--purpose",
            required = true,
            paramLabel = "CODE",
            description = "HL7 v3 PurposeOfUse of this access, for example TREAT, or ETREAT in an emergency")
    String purpose;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            description = "written reason of an emergency access (needed with ETREAT when consent does not permit)")
    String reason;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the plaintext")
    Path out;

    @Option(
            names = "--signer-key",
            paramLabel = "FILE",
            description = "the hospital's upload-signing public key (DER or base64 SubjectPublicKeyInfo) to require")
    Path signerKey;

    @Override
    public Integer call() throws IOException {
        String id = RecordsCommand.recordId(record);
        if (!purpose.matches(PURPOSE)) {
            throw CliFailure.usage("--purpose must be an HL7 v3 PurposeOfUse code such as TREAT");
        }
        if (reason != null && (reason.isBlank() || reason.length() > 1000)) {
            throw CliFailure.usage("--reason must be 1-1000 characters");
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliFailure.usage("the directory of --out does not exist: " + out);
        }
        UserKey userKey = Files2.userKey(key);
        PublicKey pinned = signerKey == null ? null : publicKey(Files2.readSmall(signerKey, "signer key"), signerKey);

        JsonNode shared = ask(s -> s.getJson("/api/v1/records/" + id + "/statement"));
        String query = "?purpose=" + purpose
                + (reason == null ? "" : "&reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8));
        byte[] envelope =
                ask(s -> s.get("/api/v1/records/" + id + "/ciphertext" + query).body());

        String organisation = Json.text(shared, "organisation");
        checkContent(shared, envelope);
        String signer = checkSignature(shared, envelope, pinned);
        checkEnvelopePolicy(shared, envelope);
        try (AtomicOutput o = AtomicOutput.open(out, true)) {
            try {
                new EnvelopeReader(userKey).decrypt(new ByteArrayInputStream(envelope), o.stream());
            } catch (DecryptionFailedException e) {
                throw CliFailure.verification(
                        "cannot open record " + id + ": your key's attributes do not satisfy its policy");
            }
            o.commit(true);
        }
        out().println("OK: record " + id + " of " + organisation + " (" + envelope.length + " bytes, CID "
                + Json.text(shared, "envelopeCid") + "), signed by " + organisation + " with "
                + signer + ", opened into " + out);
        return 0;
    }

    /** The downloaded bytes are the record's envelope: their CID is the one its hospital uploaded. */
    private static void checkContent(JsonNode shared, byte[] envelope) {
        String expected = Json.text(shared, "envelopeCid");
        String actual = ContentIds.ofSha256(UploadStatement.sha256(envelope));
        if (!actual.equals(expected)) {
            throw CliFailure.verification(
                    "the envelope received is not the record's: its CID is " + actual + ", the record's " + expected);
        }
    }

    /**
     * The hospital signed exactly this envelope, the record's rows and its policy and tags.
     *
     * @return which key verified it, in words
     */
    private static String checkSignature(JsonNode shared, byte[] envelope, PublicKey pinned) {
        byte[] rows = ContentIds.sha256Of(Json.text(shared, "rowsCid"))
                .orElseThrow(() -> CliFailure.verification("the record's rows CID is not a CID"));
        UploadStatement statement;
        try {
            statement = new UploadStatement(
                    Json.text(shared, "organisation"),
                    Json.text(shared, "idempotencyKey"),
                    Json.text(shared, "policy"),
                    UploadStatement.sha256(envelope),
                    rows,
                    tags(shared.path("tags")));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw CliFailure.verification("the record's upload statement is incomplete: " + e.getMessage());
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(String.valueOf(Json.text(shared, "signature")));
        } catch (IllegalArgumentException e) {
            throw CliFailure.verification("the record's upload signature is not base64");
        }
        String servedText = Json.text(shared, "signingPublicKey");
        PublicKey served = servedText == null
                ? null
                : publicKey(servedText.getBytes(StandardCharsets.US_ASCII), Path.of("the service's answer"));
        if (pinned != null && served != null && !Arrays.equals(pinned.getEncoded(), served.getEncoded())) {
            throw CliFailure.verification("the service names another signing key for " + statement.organisation()
                    + " than the one you pinned with --signer-key");
        }
        PublicKey keyUsed = pinned != null ? pinned : served;
        if (keyUsed == null) {
            throw CliFailure.verification("the service does not know the signing key of record's upload ("
                    + Json.text(shared, "signingKeyId") + "); pin the hospital's key with --signer-key");
        }
        if (!statement.verify(keyUsed, signature)) {
            throw CliFailure.verification("the hospital's upload signature does not cover this envelope");
        }
        return pinned != null
                ? "the key you pinned"
                : "key " + Json.text(shared, "signingKeyId") + " as the service holds it (pin it with --signer-key)";
    }

    /** The envelope's own header carries the policy the hospital signed. */
    private static void checkEnvelopePolicy(JsonNode shared, byte[] envelope) {
        try {
            Policy inEnvelope =
                    Envelope.inspect(new ByteArrayInputStream(envelope)).policy();
            if (!inEnvelope.equals(Policy.parse(Json.text(shared, "policy")))) {
                throw CliFailure.verification("the envelope's policy is not the one its hospital signed");
            }
        } catch (MalformedCiphertextException | IOException | IllegalArgumentException e) {
            throw CliFailure.verification("the record's envelope is malformed: " + e.getMessage());
        }
    }

    private static SortedMap<String, String> tags(JsonNode node) {
        SortedMap<String, String> tags = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            tags.put(e.getKey(), e.getValue().asText());
        }
        return tags;
    }

    /** A public key from DER or base64 SubjectPublicKeyInfo bytes. */
    private static PublicKey publicKey(byte[] bytes, Path from) {
        byte[] der = bytes;
        String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        if (text.matches("[A-Za-z0-9+/=\\s]+")) {
            try {
                der = Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                der = bytes;
            }
        }
        try {
            return SigningKeys.decodePublic(der);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw CliFailure.verification(from + ": not an Ed25519 or SM2 public key");
        }
    }
}
