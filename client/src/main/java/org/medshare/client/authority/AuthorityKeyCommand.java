package org.medshare.client.authority;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.medshare.abe.Attribute;
import org.medshare.abe.InsecureSecretKeyAccess;
import org.medshare.abe.UserKey;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.login.SessionOptions;
import org.medshare.client.party.PartyKeyFile;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.keyrelease.KeyReleaseException;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.keyrelease.UserKeyIssue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medshare authority key} (clinician): obtains an ABE user key for the attributes of the logged-in
 * user's token from the service's key authority, for {@code medshare decrypt}. A fresh X25519 key pair is made
 * here; the clinician's hospital grants the key on its own side, signing a {@link UserKeyGrant} for the clinician,
 * the attributes and that public key with its grant key ({@code --grant-key}, a key the consortium's party keys
 * list for the hospital; the service holds none). Only the public half and the grant are sent, the authority wraps
 * the user key to it, and the key is accepted only if
 * the authority's quote for this command's nonce satisfies the trust file and its signature covers what it
 * issued. The private half never leaves this process. The key file is written owner-only and atomically;
 * any failed check leaves no file (exit 1).
 */
@Command(
        name = "key",
        mixinStandardHelpOptions = true,
        description = "Obtain your ABE user key from the service's key authority (clinician, hospital role).")
public final class AuthorityKeyCommand extends ServiceCommand {
    /** How long a grant may be used: it is relayed at once. */
    static final Duration GRANT_VALIDITY = Duration.ofMinutes(5);

    @Option(names = "--out", required = true, paramLabel = "KEYFILE", description = "user key file to write")
    Path out;

    @Option(
            names = "--attrs",
            split = ",",
            paramLabel = "ATTR",
            description = "only these of your attributes (default: every attribute your token entitles you to)")
    List<String> attrs = new ArrayList<>();

    @Option(
            names = "--grant-key",
            required = true,
            paramLabel = "FILE",
            description = "your hospital's grant key (medshare party keygen --role grant-keys)")
    Path grantKey;

    @Option(
            names = "--authority-trust",
            paramLabel = "FILE",
            description = "the key authority's trust anchor (default: CONFIG/authority.trust)")
    Path authorityTrust;

    @Override
    public Integer call() throws IOException {
        for (String a : attrs) {
            try {
                Attribute.of(a.trim());
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--attrs: " + e.getMessage());
            }
        }
        ServiceClient service = client();
        TrustedAuthority authority = TrustedAuthority.load(authorityTrust, session.configDir());
        QuoteVerifier verifier = authority.verifier();
        byte[] nonce = verifier.newNonce();
        KeyPair recipient;
        try {
            recipient = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is unavailable", e);
        }
        byte[] recipientSpki = recipient.getPublic().getEncoded();
        KeyPair hospital = PartyKeyFile.read(grantKey);
        JsonNode entitlement = SessionOptions.answer(() -> service.getJson("/api/v1/authority/keys/entitlement"));
        Set<String> attributes = new TreeSet<>();
        if (attrs.isEmpty()) {
            entitlement.path("attributes").forEach(a -> attributes.add(a.asText()));
        } else {
            attrs.forEach(a -> attributes.add(a.trim()));
        }
        UserKeyGrant grant;
        try {
            grant = UserKeyGrant.sign(
                    Json.text(entitlement, "organisation"),
                    Json.text(entitlement, "subject"),
                    attributes,
                    Instant.now().plus(GRANT_VALIDITY),
                    recipientSpki,
                    hospital);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw CliFailure.verification("cannot sign the key grant: " + e.getMessage());
        }
        ObjectNode request = Json.object();
        request.put("recipientKey", Base64.getEncoder().encodeToString(recipientSpki));
        request.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        request.put("grant", Base64.getEncoder().encodeToString(grant.toBytes()));
        JsonNode answer = SessionOptions.answer(() -> service.postJson("/api/v1/authority/keys", request));
        UserKey key;
        UserKeyIssue issue;
        try {
            AuthorityTrust.VerifiedSigner signer =
                    AuthorityTrust.verifySigner(verifier, nonce, TrustedAuthority.field(answer, "evidence"));
            issue = UserKeyIssue.parse(TrustedAuthority.field(answer, "issue"));
            signer.requireSignature(
                    UserKeyIssue.signingInput(issue.statement()),
                    issue.signature(),
                    "the key is not vouched for by the attested key authority");
            key = issue.unwrap(recipient.getPrivate(), recipientSpki);
        } catch (AttestationException e) {
            throw CliFailure.verification("the key authority's attestation is not accepted: " + e.getMessage());
        } catch (KeyReleaseException e) {
            throw CliFailure.verification("the issued key does not open: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw CliFailure.verification(e.getMessage());
        }
        AtomicOutput.write(out, key.toBytes(InsecureSecretKeyAccess.get()), true);
        out().println("key " + issue.statement().keyId() + " for "
                + issue.statement().attributes()
                + " written to " + out + " (KEY_ISSUED at ledger index "
                + answer.path("receipt").path("index").asText("?")
                + ")");
        return 0;
    }
}
