package org.medshare.enclave.keyrelease;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Attribute;
import org.medshare.abe.InsecureSecretKeyAccess;
import org.medshare.abe.KeyFormatException;
import org.medshare.abe.MasterKey;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.abe.UserKey;
import org.medshare.enclave.EnclaveContext;
import org.medshare.enclave.Hex;
import org.medshare.enclave.Hkdf;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.EnclaveConstraint;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.keyrelease.KeyReleaseException.Reason;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.enclave.ledger.LedgerProofException;
import org.medshare.enclave.ledger.LedgerTrust;
import org.medshare.enclave.ledger.LoggedEvent;
import org.medshare.enclave.seal.SealPolicy;
import org.medshare.enclave.seal.SealingException;

/**
 * The ABE key authority, running inside an enclave. It performs FAME setup, keeps the master key
 * only in enclave memory and sealed, and releases an ABE user key for a query's purpose
 * attributes only when (1) the requesting enclave's quote verifies against the authority's
 * constraint and binds the key it wants the user key wrapped to, (2) the caller presents an
 * unexpired {@link QueryApproval} signed by a trusted approver and not used before, and (3) the
 * query's QUERY_APPROVED event is proven to be under a final ledger checkpoint ({@link LedgerProof},
 * checked against {@link LedgerTrust}). A clinician's key likewise needs its hospital's grant and
 * its KEY_ISSUED event under a final checkpoint. So a host that leaves the audit trail out gets no
 * key, and every key the authority releases is on the log the organisations hold.
 *
 * <p>Trust configuration is part of the authority's measured {@code EnclaveConfig} (so changing
 * it changes the authority's MRENCLAVE): {@value #ROOT} (hex DER SimRoot certificate), {@value
 * #CONSTRAINT} (EnclaveConstraint DSL for requesters), {@value #APPROVERS} (comma-separated hex
 * SHA-256 of the Ed25519 SPKIs of the regulators' query-approval keys), {@value #GRANTORS} (comma-separated
 * {@code organisation=hex SHA-256 of SPKI}: the hospitals' key-grant keys, each trusted for its own organisation's
 * clinicians only), the ledger's {@value #LEDGER_ORIGIN}, {@value #LEDGER_SUITE}, {@value #LEDGER_QUORUM} and
 * {@value #LEDGER_KEYS} (space-separated checkpoint verifier keys of the ledger's members), optional {@value
 * #NONCE_TTL} (ISO-8601, default PT2M), {@value #PRODUCTION} ("true" builds a production verifier, which refuses
 * SIMULATED:ALLOW) and {@value #EPOCH} (the consortium's attribute epoch before any raise, {@code YYYYQn}). Every key
 * listed belongs to a party, never to the host.
 *
 * <p>Attribute epochs: the authority's current epoch is the latest of {@value #EPOCH} and every EPOCH_RAISED event
 * proven to it under a final checkpoint ({@link #observeEpoch}); it only ever moves forward. A clinician key's
 * {@code org:} attribute must carry the current epoch ({@code org:hospital-a@2026Q4}), and so must any other attribute
 * of it that carries an epoch, so raising the epoch retires every key issued before for new records. The host decides
 * when to show a raise: until it does, the authority keeps issuing the epoch it knows, and never an earlier one.
 *
 * <p>Sealing policy: the master key is sealed under {@link SealPolicy#MRSIGNER}. An upgraded
 * authority (same signer and product, higher SVN) must keep issuing keys for data encrypted
 * under the existing public parameters; MRENCLAVE sealing would lose the master key on every
 * code change. A downgraded authority cannot unseal (SVN rule of {@code SealingKeys}).
 *
 * <p>Single use of approvals is enforced for the lifetime of this authority instance (approvals
 * carry an expiry, so the window after a restart is bounded by {@code notAfter}); the KEY_ISSUED
 * records on the ledger make any second issue for the same approval visible to auditors.
 */
public final class KeyAuthority {
    public static final String ROOT = "keyauthority.simroot";
    public static final String CONSTRAINT = "keyauthority.constraint";
    public static final String APPROVERS = "keyauthority.approvers";
    public static final String GRANTORS = "keyauthority.grantors";
    public static final String LEDGER_ORIGIN = "keyauthority.ledger.origin";
    public static final String LEDGER_SUITE = "keyauthority.ledger.suite";
    public static final String LEDGER_QUORUM = "keyauthority.ledger.quorum";
    public static final String LEDGER_KEYS = "keyauthority.ledger.keys";
    public static final String NONCE_TTL = "keyauthority.nonce-ttl";
    public static final String PRODUCTION = "keyauthority.production";
    public static final String EPOCH = "keyauthority.epoch";

    /** Domain label of the authority's signature over its public parameters. */
    public static final String PARAMS_SIGNATURE_DOMAIN = "medshare.abe-public-parameters.v1";

    static final byte[] SEAL_AAD = "medshare.keyauthority.master-key.v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRAP_SALT = "medshare.keyrelease.v1".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern EPOCH_FORM = Pattern.compile("[0-9]{4}Q[1-4]");

    private final EnclaveContext enclave;
    private final QuoteVerifier verifier;
    private final Set<String> approvers;
    private final Map<String, Set<String>> grantors;
    private final LedgerTrust ledger;
    private final Clock clock;
    private final AbeScheme abe = new AbeScheme(new SecureRandom());
    private final Set<String> usedApprovals = new HashSet<>();
    private MasterKey masterKey;
    private String epoch;

    private KeyAuthority(
            EnclaveContext enclave,
            QuoteVerifier verifier,
            Set<String> approvers,
            Map<String, Set<String>> grantors,
            LedgerTrust ledger,
            String epoch,
            Clock clock) {
        this.enclave = enclave;
        this.epoch = epoch;
        this.verifier = verifier;
        this.approvers = approvers;
        this.grantors = grantors;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Builds the authority from the enclave's measured configuration.
     *
     * @throws IllegalArgumentException if a setting is missing or malformed
     */
    public static KeyAuthority fromConfig(EnclaveContext enclave, Clock clock) throws GeneralSecurityException {
        Map<String, String> s = enclave.config().settings();
        for (String k :
                new String[] {ROOT, CONSTRAINT, APPROVERS, LEDGER_ORIGIN, LEDGER_SUITE, LEDGER_QUORUM, LEDGER_KEYS}) {
            if (!s.containsKey(k)) {
                throw new IllegalArgumentException("key authority configuration lacks " + k);
            }
        }
        X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Hex.parse(s.get(ROOT))));
        EnclaveConstraint constraint = EnclaveConstraint.parse(s.get(CONSTRAINT));
        NonceRegistry nonces = new NonceRegistry(clock, Duration.parse(s.getOrDefault(NONCE_TTL, "PT2M")), 10_000);
        QuoteVerifier v = Boolean.parseBoolean(s.getOrDefault(PRODUCTION, "false"))
                ? QuoteVerifier.production(root, constraint, nonces, clock)
                : QuoteVerifier.development(root, constraint, nonces, clock);
        Set<String> approvers = new HashSet<>();
        for (String a : s.get(APPROVERS).split(",")) {
            if (!a.isBlank()) {
                approvers.add(Hex.of(Hex.parse(a.trim())));
            }
        }
        Map<String, Set<String>> grantors = new HashMap<>();
        for (String g : s.getOrDefault(GRANTORS, "").split(",")) {
            if (g.isBlank()) {
                continue;
            }
            int eq = g.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("a grantor is organisation=keyId, not '" + g.trim() + "'");
            }
            grantors.computeIfAbsent(g.substring(0, eq).trim(), o -> new HashSet<>())
                    .add(Hex.of(Hex.parse(g.substring(eq + 1).trim())));
        }
        Map<String, Set<String>> frozen = new HashMap<>();
        grantors.forEach((org, keys) -> frozen.put(org, Set.copyOf(keys)));
        LedgerTrust ledger = LedgerTrust.of(
                s.get(LEDGER_ORIGIN),
                s.get(LEDGER_SUITE),
                Integer.parseInt(s.get(LEDGER_QUORUM)),
                List.of(s.get(LEDGER_KEYS).trim().split(" +")));
        String epoch = s.get(EPOCH);
        if (epoch != null && !EPOCH_FORM.matcher(epoch).matches()) {
            throw new IllegalArgumentException(EPOCH + " is YYYYQn, not '" + epoch + "'");
        }
        return new KeyAuthority(enclave, v, Set.copyOf(approvers), Map.copyOf(frozen), ledger, epoch, clock);
    }

    /** Result of setup: public parameters to publish, sealed master key for the host to store. */
    public record Setup(PublicParameters publicParameters, byte[] sealedMasterKey) {}

    /** FAME setup; the master key stays here and is returned only sealed (MRSIGNER policy). */
    public synchronized Setup setup(Suite suite) throws GeneralSecurityException {
        if (masterKey != null) {
            throw new IllegalStateException("key authority is already set up");
        }
        MasterKey msk = abe.setup(suite);
        byte[] plain = msk.toBytes(InsecureSecretKeyAccess.get());
        try {
            byte[] sealed = enclave.sealing().seal(SealPolicy.MRSIGNER, plain, SEAL_AAD);
            masterKey = msk;
            return new Setup(msk.publicParameters(), sealed);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Restores a master key sealed by this or an earlier (same signer, lower or equal SVN) authority. */
    public synchronized PublicParameters load(byte[] sealedMasterKey) throws GeneralSecurityException {
        byte[] plain = enclave.sealing().unseal(sealedMasterKey, SEAL_AAD);
        try {
            masterKey = MasterKey.parse(plain, InsecureSecretKeyAccess.get());
            return masterKey.publicParameters();
        } catch (KeyFormatException e) {
            throw new SealingException("sealed master key does not parse");
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Seals the loaded master key again under this enclave's identity (MRSIGNER policy, this
     * enclave's SVN). After an upgrade, storing this blob in place of the old one means that the
     * older, possibly vulnerable, versions can no longer unseal the master key.
     */
    public synchronized byte[] reseal() throws GeneralSecurityException {
        requireSetUp();
        byte[] plain = masterKey.toBytes(InsecureSecretKeyAccess.get());
        try {
            return enclave.sealing().seal(SealPolicy.MRSIGNER, plain, SEAL_AAD);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    public synchronized PublicParameters publicParameters() throws KeyReleaseException {
        requireSetUp();
        return masterKey.publicParameters();
    }

    /** A fresh challenge the requesting enclave must bind into its quote. */
    public byte[] newNonce() {
        return verifier.newNonce();
    }

    private void requireSetUp() throws KeyReleaseException {
        if (masterKey == null) {
            throw new KeyReleaseException(Reason.NOT_SET_UP, "no master key: run setup or load first");
        }
    }

    /**
     * Releases the user key for the approval's purpose attributes, wrapped to the attested
     * enclave's key, once the query's QUERY_APPROVED event is proven final on the ledger. Nothing is
     * consumed unless every check passes, except the attestation nonce, which is single-use whatever
     * the outcome.
     *
     * @throws KeyReleaseException NOT_ON_LEDGER if the request's ledger proof fails, LEDGER_EVENT_MISMATCH if
     *     it proves another event than this query's approval, and the attestation and approval refusals
     */
    public synchronized KeyRelease release(KeyReleaseRequest request) throws GeneralSecurityException {
        requireSetUp();
        VerifiedEnclave requester;
        try {
            requester = request.evidence().verify(verifier, request.nonce());
        } catch (AttestationException e) {
            throw new KeyReleaseException(Reason.ATTESTATION_REFUSED, e.getMessage());
        }
        QueryApproval approval = request.approval();
        approval.verify(approvers, clock.instant());
        String approvalId = Hex.of(approval.hash());
        if (usedApprovals.contains(approvalId)) {
            throw new KeyReleaseException(
                    Reason.APPROVAL_REPLAYED, "approval for " + approval.queryId() + " was already used");
        }
        if (!(provenEvent(request.approvalLogged()) instanceof LoggedEvent.QueryApproved q)
                || !q.queryId().equals(approval.queryId())) {
            throw new KeyReleaseException(
                    Reason.LEDGER_EVENT_MISMATCH,
                    "the proven entry is not the QUERY_APPROVED event of query " + approval.queryId());
        }
        UserKey userKey = abe.keygen(masterKey, approval.purposeAttributes());
        byte[] plain = userKey.toBytes(InsecureSecretKeyAccess.get());
        KeyPair eph = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        try {
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(eph.getPrivate());
            ka.doPhase(request.evidence().publicKeys().agreementKey(), true);
            byte[] shared = ka.generateSecret();
            byte[] ephSpki = eph.getPublic().getEncoded();
            byte[] wrapKey = wrapKey(shared, ephSpki, requester.boundPublicKey(), approval.hash());
            Arrays.fill(shared, (byte) 0);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(wrapKey, "AES"), new GCMParameterSpec(128, nonce));
            Arrays.fill(wrapKey, (byte) 0);
            c.updateAAD(recordAad(approval, requester));
            byte[] wrapped = c.doFinal(plain);
            KeyReleaseRecord record = new KeyReleaseRecord(
                    approval.queryId(),
                    approval.contentHash(),
                    approval.hash(),
                    approval.purposeAttributes(),
                    requester.identity().mrenclave(),
                    requester.identity().mrsigner(),
                    requester.identity().svn(),
                    requester.quoteHash(),
                    enclave.identity().mrenclave(),
                    clock.instant(),
                    Sha256.hash(wrapped));
            byte[] sig = enclave.sign(record.toBytes());
            usedApprovals.add(approvalId);
            return new KeyRelease(record, ephSpki, nonce, wrapped, sig);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Moves the current attribute epoch to the one {@code raised} proves the regulator raised, when that is later; an
     * earlier or equal one changes nothing.
     *
     * @return the current epoch afterwards
     * @throws KeyReleaseException NOT_ON_LEDGER if the proof fails, LEDGER_EVENT_MISMATCH if it proves another event
     *     than an EPOCH_RAISED naming a {@code YYYYQn} epoch
     */
    public synchronized String observeEpoch(LedgerProof raised) throws KeyReleaseException {
        if (!(provenEvent(raised) instanceof LoggedEvent.EpochRaised r)
                || !EPOCH_FORM.matcher(r.epoch()).matches()) {
            throw new KeyReleaseException(
                    Reason.LEDGER_EVENT_MISMATCH, "the proven entry is not an EPOCH_RAISED event");
        }
        if (epoch == null || r.epoch().compareTo(epoch) > 0) {
            epoch = r.epoch();
        }
        return epoch;
    }

    /** The current attribute epoch (see the class description), or empty before any is configured or proven. */
    public synchronized Optional<String> epoch() {
        return Optional.ofNullable(epoch);
    }

    /**
     * Issues a clinician's user key for exactly the grant's attributes, wrapped to the grant's recipient X25519
     * key (see {@link UserKeyIssue}), with a statement signed by this enclave's attested key. Refuses a grant not
     * signed by a grant key of the grant's own organisation ({@value #GRANTORS}), expired or already used, and any
     * {@code purpose:} attribute (purpose keys go only to attested enclaves, through {@link #release}) or {@code
     * org:} attribute other than the grant's organisation in the current epoch, and (EPOCH_NOT_CURRENT) an {@code
     * org:} attribute without an epoch or any attribute carrying another epoch than the current one. Issues only once {@code logged} proves the grant's
     * KEY_ISSUED event (key id = hex SHA-256 of the grant, recipient = the grant's subject) under a final ledger
     * checkpoint (NOT_ON_LEDGER, LEDGER_EVENT_MISMATCH). Nothing is consumed unless every check passes.
     */
    public synchronized UserKeyIssue issueUserKey(UserKeyGrant grant, LedgerProof logged)
            throws GeneralSecurityException {
        requireSetUp();
        grant.verify(grantors.getOrDefault(grant.organisation(), Set.of()), clock.instant());
        for (String text : grant.attributes()) {
            Attribute a = Attribute.of(text);
            if (a.key().equals("purpose")) {
                throw new KeyReleaseException(
                        Reason.ATTRIBUTES_NOT_ALLOWED,
                        "purpose attributes are released only to attested enclaves, not to clinicians");
            }
            Optional<String> attributeEpoch = a.epoch();
            if (a.key().equals("org")) {
                String organisation = attributeEpoch
                        .map(e -> text.substring(0, text.length() - e.length() - 1))
                        .orElse(text);
                if (!organisation.equals("org:" + grant.organisation())) {
                    throw new KeyReleaseException(
                            Reason.ATTRIBUTES_NOT_ALLOWED,
                            "a clinician of " + grant.organisation() + " cannot hold " + text);
                }
                if (attributeEpoch.isEmpty()
                        || !EPOCH_FORM.matcher(attributeEpoch.get()).matches()) {
                    throw new KeyReleaseException(
                            Reason.EPOCH_NOT_CURRENT,
                            "a clinician's organisation attribute carries the current epoch: " + organisation + "@"
                                    + (epoch == null ? "YYYYQn" : epoch) + ", not " + text);
                }
            }
            if (epoch != null
                    && attributeEpoch.isPresent()
                    && !attributeEpoch.get().equals(epoch)) {
                throw new KeyReleaseException(
                        Reason.EPOCH_NOT_CURRENT,
                        text + " carries epoch " + attributeEpoch.get() + "; keys are issued for " + epoch + " only");
            }
        }
        String grantId = "grant:" + Hex.of(grant.hash());
        if (usedApprovals.contains(grantId)) {
            throw new KeyReleaseException(Reason.APPROVAL_REPLAYED, "this key grant was already used");
        }
        if (!(provenEvent(logged) instanceof LoggedEvent.KeyIssued k)
                || !k.keyId().equals(Hex.of(grant.hash()))
                || !k.recipient().equals(grant.subject())) {
            throw new KeyReleaseException(
                    Reason.LEDGER_EVENT_MISMATCH, "the proven entry is not the KEY_ISSUED event of this grant");
        }
        UserKey userKey = abe.keygen(masterKey, grant.attributes());
        byte[] plain = userKey.toBytes(InsecureSecretKeyAccess.get());
        byte[] recipientSpki = grant.recipientSpki();
        KeyPair eph = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        byte[] wrapKey = null;
        try {
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(eph.getPrivate());
            ka.doPhase(KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(recipientSpki)), true);
            byte[] shared = ka.generateSecret();
            byte[] ephSpki = eph.getPublic().getEncoded();
            byte[] grantHash = grant.hash();
            wrapKey = UserKeyIssue.wrapKey(shared, ephSpki, recipientSpki, grantHash);
            Arrays.fill(shared, (byte) 0);
            byte[] recipientHash = Sha256.hash(recipientSpki);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(wrapKey, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(UserKeyIssue.aad(grantHash, recipientHash));
            byte[] wrapped = c.doFinal(plain);
            UserKeyIssue.Statement statement = new UserKeyIssue.Statement(
                    grantHash,
                    grant.organisation(),
                    grant.subject(),
                    grant.attributes(),
                    recipientHash,
                    Sha256.hash(wrapped),
                    enclave.identity().mrenclave(),
                    clock.instant());
            byte[] sig = enclave.sign(UserKeyIssue.signingInput(statement));
            usedApprovals.add(grantId);
            return new UserKeyIssue(statement, ephSpki, iv, wrapped, sig);
        } finally {
            Arrays.fill(plain, (byte) 0);
            if (wrapKey != null) {
                Arrays.fill(wrapKey, (byte) 0);
            }
        }
    }

    private LoggedEvent provenEvent(LedgerProof proof) throws KeyReleaseException {
        try {
            return ledger.verifiedEvent(proof);
        } catch (LedgerProofException e) {
            throw new KeyReleaseException(Reason.NOT_ON_LEDGER, e.getMessage());
        }
    }

    /** What the authority signs to vouch for its public parameters: domain label ‖ parameters. */
    public static byte[] paramsSigningInput(byte[] publicParameters) {
        return new WireWriter()
                .utf8(PARAMS_SIGNATURE_DOMAIN)
                .bytes(publicParameters)
                .toByteArray();
    }

    static byte[] wrapKey(byte[] shared, byte[] ephSpki, byte[] requesterKeys, byte[] approvalHash) {
        byte[] info = new WireWriter()
                .bytes(ephSpki)
                .bytes(requesterKeys)
                .fixed(approvalHash)
                .toByteArray();
        return Hkdf.sha256(shared, WRAP_SALT, info, 32);
    }

    /** Associated data of the wrapped key: the approval and the requester's quote it was issued to. */
    static byte[] recordAad(QueryApproval approval, VerifiedEnclave requester) {
        return new WireWriter()
                .utf8("medshare.keyrelease.aad.v1")
                .fixed(approval.hash())
                .fixed(requester.quoteHash())
                .toByteArray();
    }

    static byte[] recordAad(KeyReleaseRecord record) {
        return new WireWriter()
                .utf8("medshare.keyrelease.aad.v1")
                .fixed(record.approvalHash())
                .fixed(record.quoteHash())
                .toByteArray();
    }

    /**
     * Requester side: unwraps a released key with the enclave's attested X25519 key.
     *
     * @throws KeyReleaseException UNWRAP_FAILED if the release was not made for this enclave or was
     *     altered
     */
    public static UserKey unwrap(EnclaveContext requester, KeyRelease release) throws GeneralSecurityException {
        byte[] shared = requester.agree(
                KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(release.ephemeralSpki())),
                InsecureSecretKeyAccess.get());
        byte[] key = wrapKey(
                shared,
                release.ephemeralSpki(),
                requester.publicKeys().toBytes(),
                release.record().approvalHash());
        Arrays.fill(shared, (byte) 0);
        byte[] plain = null;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, release.nonce()));
            c.updateAAD(recordAad(release.record()));
            plain = c.doFinal(release.wrappedKey());
            if (!Arrays.equals(
                    Sha256.hash(release.wrappedKey()), release.record().wrappedKeyHash())) {
                throw new KeyReleaseException(Reason.UNWRAP_FAILED, "record does not match the wrapped key");
            }
            return UserKey.parse(plain, InsecureSecretKeyAccess.get());
        } catch (KeyReleaseException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyReleaseException(Reason.UNWRAP_FAILED, "released key does not open for this enclave");
        } finally {
            Arrays.fill(key, (byte) 0);
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }
}
