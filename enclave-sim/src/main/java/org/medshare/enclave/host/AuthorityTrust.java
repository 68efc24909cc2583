package org.medshare.enclave.host;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import org.medshare.abe.PublicParameters;
import org.medshare.enclave.Ed25519;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.EnclaveConstraint;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.keyrelease.KeyAuthority;

/**
 * What a client trusts when it accepts material from the key authority over an untrusted host: the
 * attestation root certificate and the {@link EnclaveConstraint} the authority's quote must meet
 * (normally its signer, product id and minimum SVN). It is public and travels out of band — the
 * operator hands it to hospitals once (in the embedded deployment: {@code data/enclave/authority.trust});
 * the service that relays the authority's answers is never asked for it. The same form pins the statistics
 * worker for readers of query results ({@code data/enclave/worker.trust}, its exact MRENCLAVE; see {@code
 * EmbeddedEnclaves.workerTrust()} and {@code compute.ResultVerifier}).
 *
 * <p>Text form v1 (UTF-8, three lines):
 *
 * <pre>
 *   medshare-authority-trust v1
 *   constraint &lt;EnclaveConstraint DSL&gt;
 *   root &lt;base64 DER X.509 certificate&gt;
 * </pre>
 *
 * A constraint with {@code SIMULATED:ALLOW} accepts simulated quotes: that is the operator's explicit
 * opt-in, visible in the file; production verifiers refuse it.
 */
public record AuthorityTrust(X509Certificate root, EnclaveConstraint constraint) {
    static final String HEADER = "medshare-authority-trust v1";
    /** How long a client's nonce stays valid while it waits for the authority's answer. */
    static final Duration NONCE_TTL = Duration.ofMinutes(5);

    public AuthorityTrust {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(constraint, "constraint");
    }

    /** The text form (see the class comment). */
    public String format() {
        try {
            return HEADER + "\nconstraint " + constraint + "\nroot "
                    + Base64.getEncoder().encodeToString(root.getEncoded()) + "\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("the root certificate cannot be encoded", e);
        }
    }

    /**
     * Parses the text form.
     *
     * @throws MalformedEncodingException if the text is not a v1 trust file
     */
    public static AuthorityTrust parse(String text) throws MalformedEncodingException {
        String[] lines = text.strip().split("\\R");
        if (lines.length != 3
                || !lines[0].strip().equals(HEADER)
                || !lines[1].startsWith("constraint ")
                || !lines[2].startsWith("root ")) {
            throw new MalformedEncodingException("not a medshare-authority-trust v1 file");
        }
        try {
            EnclaveConstraint constraint = EnclaveConstraint.parse(
                    lines[1].substring("constraint ".length()).strip());
            byte[] der = Base64.getDecoder()
                    .decode(lines[2].substring("root ".length()).strip());
            X509Certificate root = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            return new AuthorityTrust(root, constraint);
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw new MalformedEncodingException("authority trust file: " + e.getMessage());
        }
    }

    public static AuthorityTrust parse(byte[] utf8) throws MalformedEncodingException {
        return parse(new String(utf8, StandardCharsets.UTF_8));
    }

    /**
     * A verifier for one exchange with the authority: issue its nonce with {@link QuoteVerifier#newNonce()},
     * send it, and verify the answer with the same verifier (nonces are single use).
     */
    public QuoteVerifier verifier(Clock clock) {
        return QuoteVerifier.development(root, constraint, new NonceRegistry(clock, NONCE_TTL, 16), clock);
    }

    /**
     * Checks parameters relayed from the authority: the evidence's quote must satisfy {@code verifier} for
     * {@code nonce}, and {@code signature} must be the attested enclave's Ed25519 signature over
     * {@link KeyAuthority#paramsSigningInput} of exactly these parameter bytes.
     *
     * @return the parsed parameters, only if every check passed
     * @throws org.medshare.enclave.attest.AttestationException if the authority is not accepted
     * @throws SignatureException if the parameters are not signed by that enclave
     * @throws GeneralSecurityException if the evidence or the parameters do not parse
     */
    public static PublicParameters verifyParameters(
            QuoteVerifier verifier, byte[] nonce, byte[] evidence, byte[] parameters, byte[] signature)
            throws GeneralSecurityException {
        VerifiedSigner signer = verifySigner(verifier, nonce, evidence);
        signer.requireSignature(
                KeyAuthority.paramsSigningInput(parameters),
                signature,
                "public parameters are not signed by the attested key authority");
        return PublicParameters.parse(parameters);
    }

    /**
     * Verifies {@code evidence} for {@code nonce} and returns the attested enclave's signing key.
     *
     * @throws org.medshare.enclave.attest.AttestationException if the enclave is not accepted
     */
    public static VerifiedSigner verifySigner(QuoteVerifier verifier, byte[] nonce, byte[] evidence)
            throws GeneralSecurityException {
        AttestationEvidence parsed = AttestationEvidence.parse(evidence);
        VerifiedEnclave enclave = parsed.verify(verifier, nonce);
        return new VerifiedSigner(enclave, parsed.publicKeys().signingKey());
    }

    /** An attested enclave and the Ed25519 key its quote binds. */
    public record VerifiedSigner(VerifiedEnclave enclave, PublicKey signingKey) {
        /** @throws SignatureException with {@code failure} unless {@code signature} verifies over {@code data} */
        public void requireSignature(byte[] data, byte[] signature, String failure) throws GeneralSecurityException {
            if (!Ed25519.verifies(signingKey, data, signature)) {
                throw new SignatureException(failure);
            }
        }
    }
}
