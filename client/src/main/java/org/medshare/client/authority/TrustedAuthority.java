package org.medshare.client.authority;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import org.medshare.abe.PublicParameters;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.host.AuthorityTrust;

/**
 * The key authority as a client sees it through the (untrusted) service: everything it accepts from the
 * authority — public parameters, issued user keys — must come with a fresh quote for the client's own nonce
 * that satisfies the operator's {@link AuthorityTrust} file, and with the attested enclave's signature.
 * The service relays; it cannot substitute parameters or keys without the check failing (exit 1).
 */
public final class TrustedAuthority {
    /** Default trust file name in the configuration directory. */
    public static final String TRUST_FILE = "authority.trust";

    private final AuthorityTrust trust;

    private TrustedAuthority(AuthorityTrust trust) {
        this.trust = trust;
    }

    /**
     * Loads the trust anchor from {@code explicit}, else from {@code configDir/authority.trust}.
     *
     * @throws CliFailure (exit 1) if there is none or it does not parse: nothing is accepted unverified
     */
    public static TrustedAuthority load(Path explicit, Path configDir) {
        Path file = explicit != null ? explicit : configDir.resolve(TRUST_FILE);
        if (!Files.isRegularFile(file)) {
            throw CliFailure.verification(
                    "cannot verify the key authority: no trust anchor at " + file
                            + " (give --authority-trust FILE, the operator's authority.trust, e.g. data/enclave/authority.trust)");
        }
        try {
            if (Files.size(file) > 64 * 1024) {
                throw CliFailure.verification(file + " is not an authority trust file");
            }
            return new TrustedAuthority(AuthorityTrust.parse(Files.readAllBytes(file)));
        } catch (MalformedEncodingException e) {
            throw CliFailure.verification(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw CliFailure.verification("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A verifier with room for one exchange; issue the nonce from it and verify the answer with it. */
    public QuoteVerifier verifier() {
        return trust.verifier(Clock.systemUTC());
    }

    /**
     * Fetches the public parameters from {@code GET /api/v1/authority/parameters/attested} for a fresh nonce
     * and verifies quote and signature.
     *
     * @throws CliFailure (exit 1) if the authority is not accepted or the parameters are not its own
     * @throws ServiceException if the service refuses
     */
    public PublicParameters parameters(ServiceClient service) throws ServiceException {
        QuoteVerifier verifier = verifier();
        byte[] nonce = verifier.newNonce();
        JsonNode answer = service.getJson("/api/v1/authority/parameters/attested?nonce="
                + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        try {
            return AuthorityTrust.verifyParameters(
                    verifier,
                    nonce,
                    field(answer, "evidence"),
                    field(answer, "parameters"),
                    field(answer, "signature"));
        } catch (AttestationException e) {
            throw CliFailure.verification("the key authority's attestation is not accepted: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw CliFailure.verification(
                    "the public parameters are not vouched for by the key authority: " + e.getMessage());
        }
    }

    /** A base64 field of an answer from the authority. */
    static byte[] field(JsonNode answer, String name) {
        String text = Json.text(answer, name);
        if (text == null) {
            throw CliFailure.verification("the key authority's answer has no " + name);
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw CliFailure.verification("the key authority's " + name + " is not base64");
        }
    }
}
