package org.medshare.enclave.attest;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.EnclaveMode;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.attest.AttestationException.Reason;

/**
 * Verifies simulated quotes against a pinned SimRoot certificate, an {@link EnclaveConstraint}
 * and the verifier's own {@link NonceRegistry}.
 *
 * <p>Checks, in order, each raising {@link AttestationException} with its own {@link Reason}:
 *
 * <ol>
 *   <li>encoding: version-1 quote, no trailing bytes ({@code MALFORMED});
 *   <li>nonce: issued by this verifier, unused and within its TTL ({@code NONCE_*}); the nonce is
 *       consumed by this attempt whatever its outcome, so it can never be used twice;
 *   <li>certificate chain attestation key → SimPlatform → pinned SimRoot, RFC 5280 path
 *       validation including every certificate's validity period at the verifier's clock ({@code
 *       CERTIFICATE_CHAIN});
 *   <li>quote signature by the attestation key ({@code SIGNATURE});
 *   <li>mode: SIMULATED only with the constraint's explicit opt-in ({@code SIMULATED_NOT_ALLOWED});
 *   <li>debug attribute must be clear ({@code DEBUG_ENCLAVE});
 *   <li>MRENCLAVE in the allow-list if one is given ({@code CODE_HASH});
 *   <li>MRSIGNER among the accepted signers if given ({@code SIGNER});
 *   <li>product id ({@code PRODUCT_ID}); SVN ≥ minimum ({@code SVN_TOO_LOW}); TCB level at least
 *       the minimum security level, never REVOKED ({@code TCB_LEVEL});
 *   <li>quote age within the constraint's maximum, and not in the future beyond one minute of
 *       clock skew ({@code QUOTE_TOO_OLD});
 *   <li>report data = H(nonce ‖ the enclave's public key) ({@code REPORT_DATA_MISMATCH}).
 * </ol>
 *
 * Unlike Conclave, where code hash and signer are alternatives, every list given must match.
 * Thread-safe.
 */
public final class QuoteVerifier {
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private static final int CHAIN_CACHE_SIZE = 256;

    private final X509Certificate root;
    private final EnclaveConstraint constraint;
    /** Chains already validated against {@link #root}: chain hash → validity window of the path. */
    private final Map<String, Instant[]> validatedChains =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Instant[]> e) {
                    return size() > CHAIN_CACHE_SIZE;
                }
            });

    private final NonceRegistry nonces;
    private final Clock clock;

    private QuoteVerifier(X509Certificate root, EnclaveConstraint constraint, NonceRegistry nonces, Clock clock) {
        this.root = root;
        this.constraint = constraint;
        this.nonces = nonces;
        this.clock = clock;
    }

    /**
     * A verifier for production configurations.
     *
     * @throws IllegalArgumentException if the constraint opts in to SIMULATED quotes: a production
     *     deployment must never trust a simulated enclave
     */
    public static QuoteVerifier production(
            X509Certificate trustedRoot, EnclaveConstraint constraint, NonceRegistry nonces, Clock clock) {
        if (constraint.simulatedAllowed()) {
            throw new IllegalArgumentException(
                    "production configuration refuses SIMULATED:ALLOW: a simulated TEE gives no protection");
        }
        return new QuoteVerifier(trustedRoot, constraint, nonces, clock);
    }

    /** A verifier for development and tests; honours the constraint's SIMULATED opt-in. */
    public static QuoteVerifier development(
            X509Certificate trustedRoot, EnclaveConstraint constraint, NonceRegistry nonces, Clock clock) {
        return new QuoteVerifier(trustedRoot, constraint, nonces, clock);
    }

    public EnclaveConstraint constraint() {
        return constraint;
    }

    /** Issues a challenge nonce for the enclave to bind into its next quote. */
    public byte[] newNonce() {
        return nonces.issue();
    }

    /** Parses and verifies an encoded quote; see {@link #verify(Quote, byte[], byte[])}. */
    public VerifiedEnclave verify(byte[] encodedQuote, byte[] nonce, byte[] enclavePublicKey)
            throws AttestationException {
        Quote q;
        try {
            q = Quote.parse(encodedQuote);
        } catch (MalformedEncodingException | IllegalArgumentException e) {
            throw new AttestationException(Reason.MALFORMED, e.getMessage());
        }
        return verify(q, nonce, enclavePublicKey);
    }

    /**
     * Verifies {@code quote} for the challenge {@code nonce} and the public key the enclave
     * presented with it.
     */
    public VerifiedEnclave verify(Quote quote, byte[] nonce, byte[] enclavePublicKey) throws AttestationException {
        nonces.consume(nonce);
        return check(quote, nonce, enclavePublicKey, true);
    }

    /**
     * Verifies a quote recorded earlier by another party (for example the service that ran a query), for the
     * nonce that party used: every check of {@link #verify(Quote, byte[], byte[])} except those that only the
     * nonce's issuer can make at the time — the nonce is not looked up or consumed, and the quote's age is not
     * bounded (a recorded quote is old by design). What it still proves: the quote is signed by an attestation
     * key chained to the pinned SimRoot, its identity satisfies the constraint, and its report data binds
     * {@code nonce} and {@code enclavePublicKey}, so that key belongs to the measured enclave.
     */
    public VerifiedEnclave verifyRecorded(Quote quote, byte[] nonce, byte[] enclavePublicKey)
            throws AttestationException {
        return check(quote, nonce, enclavePublicKey, false);
    }

    private VerifiedEnclave check(Quote quote, byte[] nonce, byte[] enclavePublicKey, boolean fresh)
            throws AttestationException {
        X509Certificate leaf = validateChain(quote);
        checkSignature(quote, leaf);
        EnclaveIdentity id = quote.identity();
        if (quote.mode() == EnclaveMode.SIMULATED && !constraint.simulatedAllowed()) {
            throw new AttestationException(
                    Reason.SIMULATED_NOT_ALLOWED, "quote is from a SIMULATED enclave and SIMULATED:ALLOW is not set");
        }
        if (id.debug()) {
            throw new AttestationException(Reason.DEBUG_ENCLAVE, "debug enclaves are never trusted");
        }
        String mrenclave = Hex.of(id.mrenclave());
        if (!constraint.codeHashes().isEmpty() && !constraint.codeHashes().contains(mrenclave)) {
            throw new AttestationException(Reason.CODE_HASH, "MRENCLAVE " + mrenclave + " is not on the allow-list");
        }
        String mrsigner = Hex.of(id.mrsigner());
        if (!constraint.signers().isEmpty() && !constraint.signers().contains(mrsigner)) {
            throw new AttestationException(Reason.SIGNER, "MRSIGNER " + mrsigner + " is not accepted");
        }
        if (constraint.productId() != null && constraint.productId() != id.productId()) {
            throw new AttestationException(
                    Reason.PRODUCT_ID, "product id " + id.productId() + " != required " + constraint.productId());
        }
        if (id.svn() < constraint.minSvn()) {
            throw new AttestationException(
                    Reason.SVN_TOO_LOW, "SVN " + id.svn() + " below minimum " + constraint.minSvn());
        }
        if (quote.tcbLevel().summary().compareTo(constraint.minSecurityLevel()) < 0
                || quote.tcbLevel() == TcbLevel.REVOKED) {
            throw new AttestationException(
                    Reason.TCB_LEVEL,
                    "platform TCB " + quote.tcbLevel() + " below required " + constraint.minSecurityLevel());
        }
        Instant now = clock.instant();
        if (fresh && quote.issuedAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw new AttestationException(Reason.QUOTE_TOO_OLD, "quote is dated in the future");
        }
        Duration maxAge = constraint.maxAttestationAge();
        if (fresh && maxAge != null && quote.issuedAt().plus(maxAge).isBefore(now)) {
            throw new AttestationException(Reason.QUOTE_TOO_OLD, "quote older than " + maxAge);
        }
        if (!MessageDigest.isEqual(quote.reportData(), Quote.reportDataFor(nonce, enclavePublicKey))) {
            throw new AttestationException(
                    Reason.REPORT_DATA_MISMATCH, "report data does not bind this nonce and public key");
        }
        return new VerifiedEnclave(quote.mode(), id, quote.tcbLevel(), enclavePublicKey, quote.hash());
    }

    /**
     * RFC 5280 path validation of the quote's chain to the pinned root at the verifier's clock. A
     * chain that validated before is not re-validated while the clock is inside the intersection of
     * its certificates' validity periods (the only input that changes between verifications).
     */
    private X509Certificate validateChain(Quote quote) throws AttestationException {
        try {
            List<X509Certificate> chain = quote.certificateChain();
            X509Certificate last = chain.get(chain.size() - 1);
            List<X509Certificate> path = last.equals(root) ? chain.subList(0, chain.size() - 1) : chain;
            if (path.isEmpty()) {
                throw new AttestationException(Reason.CERTIFICATE_CHAIN, "chain holds no attestation key");
            }
            X509Certificate leaf = path.get(0);
            if (leaf.getBasicConstraints() != -1) {
                throw new AttestationException(Reason.CERTIFICATE_CHAIN, "attestation key certificate is a CA");
            }
            Instant now = clock.instant();
            MessageDigest md = Sha256.newDigest();
            for (X509Certificate c : path) {
                md.update(c.getEncoded());
            }
            String key = Hex.of(md.digest());
            Instant[] window = validatedChains.get(key);
            if (window != null && !now.isBefore(window[0]) && !now.isAfter(window[1])) {
                return leaf;
            }
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPath cp = cf.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(cp, params);
            Instant notBefore = root.getNotBefore().toInstant();
            Instant notAfter = root.getNotAfter().toInstant();
            for (X509Certificate c : path) {
                notBefore = max(notBefore, c.getNotBefore().toInstant());
                notAfter = min(notAfter, c.getNotAfter().toInstant());
            }
            validatedChains.put(key, new Instant[] {notBefore, notAfter});
            return leaf;
        } catch (AttestationException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AttestationException(
                    Reason.CERTIFICATE_CHAIN,
                    "certificate chain does not validate to the pinned SimRoot: " + e.getMessage());
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static void checkSignature(Quote quote, X509Certificate leaf) throws AttestationException {
        try {
            Signature s = Signature.getInstance(Certificates.SIG_ALG);
            s.initVerify(leaf.getPublicKey());
            s.update(Quote.signedBytes(quote.body()));
            if (s.verify(quote.signature())) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // fall through: an unverifiable signature is a bad signature
        }
        throw new AttestationException(Reason.SIGNATURE, "quote signature does not verify with the attestation key");
    }
}
