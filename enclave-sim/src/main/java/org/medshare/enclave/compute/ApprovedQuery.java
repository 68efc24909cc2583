package org.medshare.enclave.compute;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.stats.AggregateSpec;
import org.medshare.enclave.stats.Allowed;
import org.medshare.enclave.stats.DisclosedField;
import org.medshare.enclave.stats.DisclosureLimits;
import org.medshare.enclave.stats.HospitalDisclosure;
import org.medshare.enclave.stats.QueryConsent;

/**
 * Everything the approval workflow decided about one query, in the form the worker enclave
 * enforces: the approved template (JSON, QUERY.md §Template), the insurer's request (JSON,
 * QUERY.md §Request), the hospitals whose data-use rules admit this template and purpose, the
 * records whose consent was revoked when the query was approved, and the insurer's remaining ε
 * budget (micro-ε) according to the ledger. A value object of strings and integers: the host and
 * the approver need no enclave internals to build it.
 *
 * <p>It also carries the service's consent decision for this query's purpose of use and recipient: the records
 * whose patients' consent provisions deny it ({@link #consentDeniedRecords()}), which the worker drops before
 * decrypting anything, and the {@link #consentDigest()}, SHA-256 over the consent ids and versions the decision
 * read, which the worker copies into the signed result. Both are inside the query hash that the signed result
 * names, so what the host decided is fixed in the result; that the decisions are right is still the host's word.
 *
 * <p>Its {@link #contentHash()} (template and request only) is what the regulator signs in a {@link
 * org.medshare.enclave.keyrelease.QueryApproval}; the enclave recomputes it from the bytes the host relays, so the
 * host cannot run another template or request under an approval. Its {@link #queryHash()} covers every decision
 * and is what the signed result names.
 *
 * <p>It carries, too, the disclosure limits the hospitals set for their own records ({@link #disclosure()}), which
 * the worker applies on top of the template's: the most restrictive combination over the hospitals whose records the
 * query uses.
 *
 * <p>Encoding v4 (big-endian, {@link WireWriter} conventions): u8 4, utf8 templateJson, utf8
 * requestJson, u32 n + n × i32 hospital id (ascending, distinct, 0..16383), u32 m + m × utf8
 * revoked record id (ascending, distinct), u32 d + d × utf8 consent-denied record id (ascending,
 * distinct), 32 consent digest, i64 remaining budget (micro-ε, ≥ 0), u32 l + l × (i32 hospital id
 * (ascending, distinct), i32 minimum group size, i64 maximum ε per query in micro-ε, i32 maximum
 * rows per patient, u8 noise required 0|1, u32 a + a × utf8 allowed aggregate ({@link
 * org.medshare.enclave.stats.AggregateSpec.Kind#jsonName()}), u32 f + f × utf8 allowed field ({@link
 * DisclosedField#jsonName()}); each list ascending and distinct, empty for any). Query hash =
 * SHA-256(utf8 "medshare.approved-query.v4" ‖ encoding). Encodings v1 (without the consent decision),
 * v2 (without the disclosure limits) and v3 (without the allowed aggregates and fields) are refused:
 * an approval that does not bind them must not run.
 */
public final class ApprovedQuery {
    static final String HASH_DOMAIN = "medshare.approved-query.v4";
    static final String CONTENT_DOMAIN = "medshare.query-content.v1";
    static final int VERSION = 4;
    static final int MAX_JSON_BYTES = 1 << 20;
    static final int MAX_HOSPITALS = 16384;
    static final int MAX_RECORDS = 1_000_000;

    private final String templateJson;
    private final String requestJson;
    private final SortedSet<Integer> permittedHospitals;
    private final SortedSet<String> revokedRecords;
    private final SortedSet<String> consentDeniedRecords;
    private final byte[] consentDigest;
    private final long remainingBudgetMicros;
    private final DisclosureLimits disclosure;

    /**
     * @param templateJson the approved template's JSON exactly as approved
     * @param requestJson the insurer's request JSON
     * @param permittedHospitals hospitals whose data-use rules admit this template for its purpose
     * @param revokedRecords record ids whose consent was revoked at approval time
     * @param consentDeniedRecords record ids whose patients' consent provisions deny this query's purpose of use
     *     or recipient at approval time
     * @param consentDigest SHA-256 (32 bytes) over the consent ids and versions the consent decision read
     * @param remainingBudgetMicros the insurer's remaining ε in micro-ε (0 if none is left)
     * @throws IllegalArgumentException for empty or oversized JSON, a hospital id outside 0..16383,
     *     an empty record id, a digest that is not 32 bytes, or a negative budget
     */
    public ApprovedQuery(
            String templateJson,
            String requestJson,
            Collection<Integer> permittedHospitals,
            Collection<String> revokedRecords,
            Collection<String> consentDeniedRecords,
            byte[] consentDigest,
            long remainingBudgetMicros) {
        this(
                templateJson,
                requestJson,
                permittedHospitals,
                revokedRecords,
                consentDeniedRecords,
                consentDigest,
                remainingBudgetMicros,
                DisclosureLimits.NONE);
    }

    /**
     * An approved query whose hospitals set their own {@code disclosure} limits; the other parameters as in {@link
     * #ApprovedQuery(String, String, Collection, Collection, Collection, byte[], long)}.
     */
    public ApprovedQuery(
            String templateJson,
            String requestJson,
            Collection<Integer> permittedHospitals,
            Collection<String> revokedRecords,
            Collection<String> consentDeniedRecords,
            byte[] consentDigest,
            long remainingBudgetMicros,
            DisclosureLimits disclosure) {
        this.disclosure = Objects.requireNonNull(disclosure, "disclosure");
        this.templateJson = checkJson(templateJson, "template");
        this.requestJson = checkJson(requestJson, "request");
        TreeSet<Integer> h = new TreeSet<>();
        for (Integer id : permittedHospitals) {
            if (id == null || id < 0 || id >= MAX_HOSPITALS) {
                throw new IllegalArgumentException("hospital id must be in 0..16383");
            }
            h.add(id);
        }
        SortedSet<String> r = recordIds(revokedRecords, "revoked");
        SortedSet<String> d = recordIds(consentDeniedRecords, "consent-denied");
        if (consentDigest == null || consentDigest.length != 32) {
            throw new IllegalArgumentException("the consent digest must be 32 bytes");
        }
        if (remainingBudgetMicros < 0) {
            throw new IllegalArgumentException("remaining budget must not be negative");
        }
        this.permittedHospitals = Collections.unmodifiableSortedSet(h);
        this.revokedRecords = r;
        this.consentDeniedRecords = d;
        this.consentDigest = consentDigest.clone();
        this.remainingBudgetMicros = remainingBudgetMicros;
    }

    private static SortedSet<String> recordIds(Collection<String> ids, String what) {
        TreeSet<String> out = new TreeSet<>();
        for (String id : ids) {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException(what + " record ids must be non-empty");
            }
            out.add(id);
        }
        if (out.size() > MAX_RECORDS) {
            throw new IllegalArgumentException("too many " + what + " records");
        }
        return Collections.unmodifiableSortedSet(out);
    }

    private static String checkJson(String json, String what) {
        Objects.requireNonNull(json, what);
        if (json.isBlank() || json.getBytes(StandardCharsets.UTF_8).length > MAX_JSON_BYTES) {
            throw new IllegalArgumentException(what + " JSON must be non-empty and at most 1 MiB");
        }
        return json;
    }

    public String templateJson() {
        return templateJson;
    }

    public String requestJson() {
        return requestJson;
    }

    public SortedSet<Integer> permittedHospitals() {
        return permittedHospitals;
    }

    public SortedSet<String> revokedRecords() {
        return revokedRecords;
    }

    /** Records whose patients' consent provisions deny this query's purpose of use or recipient. */
    public SortedSet<String> consentDeniedRecords() {
        return consentDeniedRecords;
    }

    /** SHA-256 over the consent ids and versions the consent decision read (copy). */
    public byte[] consentDigest() {
        return consentDigest.clone();
    }

    /** The consent decision as the engine takes it. */
    public QueryConsent consent() {
        return new QueryConsent(consentDeniedRecords, consentDigest);
    }

    public long remainingBudgetMicros() {
        return remainingBudgetMicros;
    }

    /** The disclosure limits the hospitals set for their own records. */
    public DisclosureLimits disclosure() {
        return disclosure;
    }

    public byte[] toBytes() {
        WireWriter w = new WireWriter()
                .u8(VERSION)
                .utf8(templateJson)
                .utf8(requestJson)
                .i32(permittedHospitals.size());
        permittedHospitals.forEach(w::i32);
        w.i32(revokedRecords.size());
        revokedRecords.forEach(w::utf8);
        w.i32(consentDeniedRecords.size());
        consentDeniedRecords.forEach(w::utf8);
        w.fixed(consentDigest).i64(remainingBudgetMicros);
        Map<Integer, HospitalDisclosure> limits = disclosure.byHospital();
        w.i32(limits.size());
        limits.forEach((hospital, l) -> {
            w.i32(hospital)
                    .i32(l.minGroupSize())
                    .i64(l.maxEpsilonMicros())
                    .i32(l.maxRowsPerPatient())
                    .u8(l.noiseRequired() ? 1 : 0);
            names(w, l.allowedAggregates(), AggregateSpec.Kind::jsonName);
            names(w, l.allowedFields(), DisclosedField::jsonName);
        });
        return w.toByteArray();
    }

    private static <E extends Enum<E>> void names(WireWriter w, Allowed<E> allowed, Function<E, String> name) {
        List<String> names = allowed.values().stream()
                .flatMap(Set::stream)
                .map(name)
                .sorted()
                .toList();
        w.i32(names.size());
        names.forEach(w::utf8);
    }

    /**
     * Parses encoding v4, refusing anything that {@link #toBytes()} would not produce (unsorted or
     * duplicate entries, trailing bytes), so that one query has exactly one encoding and one hash.
     *
     * @throws MalformedEncodingException also for encodings v1, v2 and v3, which do not bind the consent decision,
     *     the hospitals' disclosure limits, and the aggregates and fields the hospitals allow
     */
    public static ApprovedQuery parse(byte[] bytes) throws MalformedEncodingException {
        if (bytes.length > 0 && bytes[0] >= 1 && bytes[0] <= 3) {
            String unbound = switch (bytes[0]) {
                case 1 -> "consent decision";
                case 2 -> "hospitals' disclosure limits";
                default -> "aggregates and fields the hospitals allow";
            };
            throw new MalformedEncodingException("approved-query encoding v" + bytes[0] + " is refused: it does not "
                    + "bind the " + unbound + "; the approver must send encoding v" + VERSION);
        }
        WireReader r = WireReader.versioned(bytes, VERSION, "approved-query");
        String template = r.utf8();
        String request = r.utf8();
        int n = r.i32();
        if (n < 0 || n > MAX_HOSPITALS) {
            throw new MalformedEncodingException("hospital count " + n + " outside 0.." + MAX_HOSPITALS);
        }
        List<Integer> hospitals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int h = r.i32();
            if (i > 0 && h <= hospitals.get(i - 1)) {
                throw new MalformedEncodingException("hospital ids are not strictly ascending");
            }
            hospitals.add(h);
        }
        List<String> revoked = recordIds(r, "revoked");
        List<String> denied = recordIds(r, "consent-denied");
        byte[] digest = r.fixed(32);
        long budget = r.i64();
        DisclosureLimits disclosure = disclosure(r);
        r.expectEnd();
        try {
            return new ApprovedQuery(template, request, hospitals, revoked, denied, digest, budget, disclosure);
        } catch (IllegalArgumentException e) {
            throw new MalformedEncodingException("invalid approved query: " + e.getMessage());
        }
    }

    private static DisclosureLimits disclosure(WireReader r) throws MalformedEncodingException {
        int l = r.i32();
        if (l < 0 || l > MAX_HOSPITALS || l > r.remaining() / 29) {
            throw new MalformedEncodingException("impossible disclosure-limit count " + l);
        }
        TreeMap<Integer, HospitalDisclosure> limits = new TreeMap<>();
        int previous = -1;
        for (int i = 0; i < l; i++) {
            int hospital = r.i32();
            if (hospital <= previous) {
                throw new MalformedEncodingException("disclosure-limit hospital ids are not strictly ascending");
            }
            previous = hospital;
            int k = r.i32();
            long epsilon = r.i64();
            int rows = r.i32();
            int noise = r.u8();
            if (noise > 1) {
                throw new MalformedEncodingException("noise-required flag must be 0 or 1");
            }
            Allowed<AggregateSpec.Kind> aggregates =
                    allowed(r, AggregateSpec.Kind.class, AggregateSpec.Kind::byJsonName, "aggregate");
            Allowed<DisclosedField> fields = allowed(r, DisclosedField.class, DisclosedField::byJsonName, "field");
            try {
                limits.put(hospital, new HospitalDisclosure(k, epsilon, rows, noise == 1, aggregates, fields));
            } catch (IllegalArgumentException e) {
                throw new MalformedEncodingException(
                        "invalid disclosure limits of hospital " + hospital + ": " + e.getMessage());
            }
        }
        try {
            return DisclosureLimits.of(limits);
        } catch (IllegalArgumentException e) {
            throw new MalformedEncodingException(e.getMessage());
        }
    }

    private static <E extends Enum<E>> Allowed<E> allowed(
            WireReader r, Class<E> type, Function<String, E> byName, String what) throws MalformedEncodingException {
        int count = r.i32();
        if (count < 0 || count > type.getEnumConstants().length) {
            throw new MalformedEncodingException("impossible allowed-" + what + " count " + count);
        }
        List<E> values = new ArrayList<>(count);
        String previous = null;
        for (int i = 0; i < count; i++) {
            String name = r.utf8();
            if (previous != null && name.compareTo(previous) <= 0) {
                throw new MalformedEncodingException("allowed " + what + "s are not strictly ascending");
            }
            previous = name;
            E value = byName.apply(name);
            if (value == null) {
                throw new MalformedEncodingException("unknown allowed " + what + " " + name);
            }
            values.add(value);
        }
        return Allowed.anyIfEmpty(values);
    }

    private static List<String> recordIds(WireReader r, String what) throws MalformedEncodingException {
        int m = r.i32();
        if (m < 0 || m > MAX_RECORDS || m > r.remaining() / 4) {
            throw new MalformedEncodingException("impossible " + what + "-record count " + m);
        }
        List<String> ids = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            String id = r.utf8();
            if (i > 0 && id.compareTo(ids.get(i - 1)) <= 0) {
                throw new MalformedEncodingException(what + " record ids are not strictly ascending");
            }
            ids.add(id);
        }
        return ids;
    }

    /**
     * What a regulator approves: SHA-256(utf8 "medshare.query-content.v1" ‖ utf8 templateJson ‖ utf8 requestJson),
     * {@link WireWriter} conventions, over the texts exactly as submitted.
     */
    public static byte[] contentHash(String templateJson, String requestJson) {
        return Sha256.hash(new WireWriter()
                .utf8(CONTENT_DOMAIN)
                .utf8(templateJson)
                .utf8(requestJson)
                .toByteArray());
    }

    /** {@link #contentHash(String, String)} of this query's template and request. */
    public byte[] contentHash() {
        return contentHash(templateJson, requestJson);
    }

    /** SHA-256("medshare.approved-query.v4" ‖ {@link #toBytes()}): every decision, as the signed result names it. */
    public byte[] queryHash() {
        return Sha256.hash(new WireWriter().utf8(HASH_DOMAIN).toByteArray(), toBytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApprovedQuery q && Arrays.equals(toBytes(), q.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(queryHash());
    }

    @Override
    public String toString() {
        return "ApprovedQuery{hospitals=" + permittedHospitals.size() + ", revoked=" + revokedRecords.size()
                + ", consentDenied=" + consentDeniedRecords.size()
                + ", remainingBudgetMicros=" + remainingBudgetMicros + ", hospitalLimits="
                + disclosure.byHospital().size() + "}";
    }
}
