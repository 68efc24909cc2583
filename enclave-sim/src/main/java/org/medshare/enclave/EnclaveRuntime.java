package org.medshare.enclave;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.KeyAgreement;
import org.medshare.abe.SecretKeyAccess;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.Quote;
import org.medshare.enclave.attest.QuotingEnclave;
import org.medshare.enclave.seal.PlatformSecret;
import org.medshare.enclave.seal.SealingKeys;

/**
 * The state of one launched (simulated) enclave: its verified identity, session keys, quoting
 * enclave, sealing keys and the services it hosts. Created only by {@link #launch}, which performs
 * the simulated EINIT check (measured code and config must match the vendor's SIGSTRUCT).
 *
 * <p>Runs inside the enclave process ({@link EnclaveMain}); unit tests may also create it
 * in-process. Not thread-safe for concurrent {@link #call}s: the protocol delivers one request at
 * a time.
 */
public final class EnclaveRuntime implements EnclaveContext {
    private final EnclaveIdentity identity;
    private final EnclaveConfig config;
    private final QuotingEnclave quotingEnclave;
    private final SealingKeys sealing;
    private final KeyPair agreementKey;
    private final KeyPair signingKey;
    private final EnclavePublicKeys publicKeys;
    private final Map<String, EnclaveService> services = new LinkedHashMap<>();
    private final Map<String, Object> attachments = new ConcurrentHashMap<>();

    private EnclaveRuntime(
            EnclaveIdentity identity,
            EnclaveConfig config,
            QuotingEnclave quotingEnclave,
            SealingKeys sealing,
            KeyPair agreementKey,
            KeyPair signingKey) {
        this.identity = identity;
        this.config = config;
        this.quotingEnclave = quotingEnclave;
        this.sealing = sealing;
        this.agreementKey = agreementKey;
        this.signingKey = signingKey;
        this.publicKeys = new EnclavePublicKeys(agreementKey.getPublic(), signingKey.getPublic());
    }

    /**
     * Launches an enclave over a measured code set.
     *
     * @throws EnclaveLaunchException if {@code sigStruct} is not validly signed or does not match
     *     the measurement of {@code code} with {@code config}
     */
    public static EnclaveRuntime launch(
            CodeSet code,
            EnclaveConfig config,
            SigStruct sigStruct,
            QuotingEnclave quotingEnclave,
            PlatformSecret platformSecret,
            List<EnclaveService> services)
            throws GeneralSecurityException {
        EnclaveIdentity id = sigStruct.launch(code, config);
        KeyPairGenerator x = KeyPairGenerator.getInstance("X25519");
        KeyPairGenerator ed = KeyPairGenerator.getInstance("Ed25519");
        SecureRandom rng = new SecureRandom();
        EnclaveRuntime rt = new EnclaveRuntime(
                id,
                config,
                quotingEnclave,
                new SealingKeys(platformSecret, id, rng),
                x.generateKeyPair(),
                ed.generateKeyPair());
        for (EnclaveService s : services) {
            if (rt.services.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("two enclave services named " + s.name());
            }
        }
        return rt;
    }

    @Override
    public EnclaveIdentity identity() {
        return identity;
    }

    @Override
    public EnclaveConfig config() {
        return config;
    }

    @Override
    public EnclavePublicKeys publicKeys() {
        return publicKeys;
    }

    @Override
    public AttestationEvidence attest(byte[] verifierNonce) throws GeneralSecurityException {
        if (verifierNonce.length < 16 || verifierNonce.length > 64) {
            throw new IllegalArgumentException("verifier nonce must be 16..64 bytes");
        }
        Quote q = quotingEnclave.quote(identity, Quote.reportDataFor(verifierNonce, publicKeys.toBytes()));
        return new AttestationEvidence(q, publicKeys);
    }

    @Override
    public byte[] sign(byte[] message) throws GeneralSecurityException {
        return Ed25519.sign(signingKey.getPrivate(), message);
    }

    @Override
    public byte[] agree(PublicKey peer, SecretKeyAccess access) throws GeneralSecurityException {
        if (access == null) {
            throw new IllegalArgumentException("SecretKeyAccess required");
        }
        KeyAgreement ka = KeyAgreement.getInstance("X25519");
        ka.init(agreementKey.getPrivate());
        ka.doPhase(peer, true);
        return ka.generateSecret();
    }

    @Override
    public SealingKeys sealing() {
        return sealing;
    }

    @Override
    public <T> Optional<T> attachment(String name, Class<T> type) {
        Object o = attachments.get(name);
        return type.isInstance(o) ? Optional.of(type.cast(o)) : Optional.empty();
    }

    @Override
    public <T> void attach(String name, T value) {
        attachments.put(name, value);
    }

    /** Names of the hosted services, in registration order. */
    public List<String> serviceNames() {
        return List.copyOf(services.keySet());
    }

    /**
     * Dispatches a CALL to the named service.
     *
     * @throws EnclaveServiceException with code {@code NO_SUCH_SERVICE} for an unknown name, or the
     *     service's own refusal
     */
    public byte[] call(String serviceName, byte[] request) throws EnclaveServiceException {
        EnclaveService s = services.get(serviceName);
        if (s == null) {
            throw new EnclaveServiceException("NO_SUCH_SERVICE", "no enclave service named '" + serviceName + "'");
        }
        return s.call(request, this);
    }

    @Override
    public String toString() {
        return "EnclaveRuntime{" + identity + "}";
    }
}
