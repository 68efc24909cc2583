package org.medshare.enclave.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.medshare.enclave.Sha256;

/**
 * The outcome of one query, ready to be signed by the enclave's attested key (part of the enclave,
 * not of this class). Immutable.
 *
 * <p>{@link #canonicalBytes()} is the UTF-8 JSON of all fields below except the result hash, with
 * object keys sorted and numbers in Java's shortest round-trip form (Jackson); the
 * {@link #resultHash()} is SHA-256 of those bytes. The enclave signs {@link #bytesToSign()}, which is
 * {@code "medshare-stats-result-v1\n" || canonicalBytes}; verifiers recompute both from the JSON.
 *
 * <p>Fields: format version {@value #FORMAT}, template id, version and hash, parameter hash, insurer, purpose,
 * number of input records, Merkle root of the input record ids ({@link MerkleTree}), ε spent
 * (micro-ε), δ, mechanism, number of suppressed groups and how many each guard suppressed ({@code suppressedBy}:
 * {@code minimumGroupSize}, {@code differencing}), the released groups, and (new in format 2) the consent
 * decision: {@code consentExcludedRecords}, how many of the given records that the hospitals' data-use rules
 * admit were left out because their consent was revoked or its provisions deny this query (revocations count
 * here too), and {@code consentDigest}, the hex {@link QueryConsent} digest of the consents the decision read.
 * Both are in the canonical bytes, so the enclave's signature covers them. New in format 3: each group has an
 * {@code accuracy} object beside its {@code values}, naming for every value that carries differential-privacy noise
 * or is computed from noisy statistics its mechanism, noise scale and 95% confidence interval ({@link
 * ValueAccuracy}); it is empty when the result has no noise. It is in the canonical bytes too, so the accuracy report
 * is signed with the numbers it describes.
 */
public final class StatisticsResult {
    /** The format number this class writes. */
    public static final int FORMAT = 3;

    private static final byte[] SIGN_PREFIX = "medshare-stats-result-v1\n".getBytes(StandardCharsets.US_ASCII);

    private final String templateId;
    private final int templateVersion;
    private final String templateHash;
    private final String parameterHash;
    private final String insurerId;
    private final String purpose;
    private final int inputRecords;
    private final String inputMerkleRoot;
    private final long epsilonSpentMicros;
    private final double delta;
    private final String mechanism;
    private final Suppression suppression;
    private final int consentExcludedRecords;
    private final String consentDigest;
    private final List<GroupResult> groups;
    private final byte[] canonical;
    private final byte[] resultHash;

    StatisticsResult(
            String templateId,
            int templateVersion,
            String templateHash,
            String parameterHash,
            String insurerId,
            String purpose,
            int inputRecords,
            String inputMerkleRoot,
            long epsilonSpentMicros,
            double delta,
            String mechanism,
            Suppression suppression,
            int consentExcludedRecords,
            String consentDigest,
            List<GroupResult> groups) {
        this.templateId = templateId;
        this.templateVersion = templateVersion;
        this.templateHash = templateHash;
        this.parameterHash = parameterHash;
        this.insurerId = insurerId;
        this.purpose = purpose;
        this.inputRecords = inputRecords;
        this.inputMerkleRoot = inputMerkleRoot;
        this.epsilonSpentMicros = epsilonSpentMicros;
        this.delta = delta;
        this.mechanism = mechanism;
        this.suppression = suppression;
        this.consentExcludedRecords = consentExcludedRecords;
        this.consentDigest = consentDigest;
        this.groups = List.copyOf(groups);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("templateId", templateId);
        m.put("templateVersion", templateVersion);
        m.put("templateHash", templateHash);
        m.put("parameterHash", parameterHash);
        m.put("insurerId", insurerId);
        m.put("purpose", purpose);
        m.put("inputRecords", inputRecords);
        m.put("inputMerkleRoot", inputMerkleRoot);
        m.put("epsilonSpentMicros", epsilonSpentMicros);
        m.put("delta", delta);
        m.put("mechanism", mechanism);
        m.put("suppressedGroups", suppression.total());
        Map<String, Object> by = new LinkedHashMap<>();
        by.put("minimumGroupSize", suppression.smallGroups());
        by.put("differencing", suppression.differencing());
        m.put("suppressedBy", by);
        m.put("suppressedValues", suppression.values());
        m.put("consentExcludedRecords", consentExcludedRecords);
        m.put("consentDigest", consentDigest);
        List<Object> gs = new ArrayList<>();
        for (GroupResult g : this.groups) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("key", g.key());
            gm.put("values", g.values());
            Map<String, Object> accuracy = new TreeMap<>();
            g.accuracy().forEach((name, a) -> accuracy.put(name, a.toJson()));
            gm.put("accuracy", accuracy);
            gs.add(gm);
        }
        m.put("groups", gs);
        try {
            this.canonical = Json.MAPPER.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("result cannot be serialised", e);
        }
        this.resultHash = Sha256.hash(canonical);
    }

    /** Canonical JSON bytes (copy). */
    public byte[] canonicalBytes() {
        return canonical.clone();
    }

    /** What the enclave key signs: {@code "medshare-stats-result-v1\n" || canonicalBytes()}. */
    public byte[] bytesToSign() {
        byte[] out = new byte[SIGN_PREFIX.length + canonical.length];
        System.arraycopy(SIGN_PREFIX, 0, out, 0, SIGN_PREFIX.length);
        System.arraycopy(canonical, 0, out, SIGN_PREFIX.length, canonical.length);
        return out;
    }

    /** SHA-256 of {@link #canonicalBytes()} (copy). */
    public byte[] resultHash() {
        return resultHash.clone();
    }

    public String resultHashHex() {
        return HexFormat.of().formatHex(resultHash);
    }

    public String templateId() {
        return templateId;
    }

    public int templateVersion() {
        return templateVersion;
    }

    public String templateHash() {
        return templateHash;
    }

    public String parameterHash() {
        return parameterHash;
    }

    public String insurerId() {
        return insurerId;
    }

    public String purpose() {
        return purpose;
    }

    public int inputRecords() {
        return inputRecords;
    }

    /** Hex SHA-256 Merkle root of the input record ids. */
    public String inputMerkleRoot() {
        return inputMerkleRoot;
    }

    public long epsilonSpentMicros() {
        return epsilonSpentMicros;
    }

    public double epsilonSpent() {
        return epsilonSpentMicros / (double) PrivacyBudget.MICROS;
    }

    public double delta() {
        return delta;
    }

    /** {@code none}, {@code discreteLaplace} or {@code discreteGaussian}. */
    public String mechanism() {
        return mechanism;
    }

    /** Groups left out of the result, by either guard. */
    public int suppressedGroups() {
        return suppression.total();
    }

    /** Which guard left out how many groups. */
    public Suppression suppression() {
        return suppression;
    }

    /**
     * Records the hospitals' rules admitted but consent left out: revoked, or denied by the consent provisions
     * for this query's purpose of use or recipient.
     */
    public int consentExcludedRecords() {
        return consentExcludedRecords;
    }

    /** Hex SHA-256 of the consents the consent decision read ({@link QueryConsent#digestOf}). */
    public String consentDigest() {
        return consentDigest;
    }

    public List<GroupResult> groups() {
        return groups;
    }

    /** The released group with exactly this key, if any. */
    public Optional<GroupResult> group(Map<String, String> key) {
        return groups.stream().filter(g -> g.key().equals(new TreeMap<>(key))).findFirst();
    }

    @Override
    public String toString() {
        return "StatisticsResult[" + templateId + " v" + templateVersion + ", groups=" + groups.size() + ", suppressed="
                + suppression.total() + ", epsilonMicros=" + epsilonSpentMicros + "]";
    }
}
