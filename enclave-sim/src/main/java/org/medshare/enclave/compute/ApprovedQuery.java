package org.medshare.enclave.compute;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * Everything the approval workflow decided about one query, in the form the worker enclave
 * enforces: the approved template (JSON, QUERY.md §Template), the insurer's request (JSON,
 * QUERY.md §Request), the hospitals whose data-use rules admit this template and purpose, the
 * records whose consent was revoked when the query was approved, and the insurer's remaining ε
 * budget (micro-ε) according to the ledger. A value object of strings and integers: the host and
 * the approver need no enclave internals to build it.
 *
 * <p>Its {@link #queryHash()} is the {@code queryHash} that the approver signs in a {@link
 * org.medshare.enclave.keyrelease.QueryApproval}; the enclave recomputes it from the bytes the host
 * relays, so the (untrusted) host cannot change any of these decisions.
 *
 * <p>Encoding v1 (big-endian, {@link WireWriter} conventions): u8 1, utf8 templateJson, utf8
 * requestJson, u32 n + n × i32 hospital id (ascending, distinct, 0..16383), u32 m + m × utf8
 * revoked record id (ascending, distinct), i64 remaining budget (micro-ε, ≥ 0). Query hash =
 * SHA-256(utf8 "medshare.approved-query.v1" ‖ encoding).
 */
public final class ApprovedQuery {
    static final String HASH_DOMAIN = "medshare.approved-query.v1";
    static final int MAX_JSON_BYTES = 1 << 20;
    static final int MAX_HOSPITALS = 16384;
    static final int MAX_REVOKED = 1_000_000;

    private final String templateJson;
    private final String requestJson;
    private final SortedSet<Integer> permittedHospitals;
    private final SortedSet<String> revokedRecords;
    private final long remainingBudgetMicros;

    /**
     * @param templateJson the approved template's JSON exactly as approved
     * @param requestJson the insurer's request JSON
     * @param permittedHospitals hospitals whose data-use rules admit this template for its purpose
     * @param revokedRecords record ids whose consent was revoked at approval time
     * @param remainingBudgetMicros the insurer's remaining ε in micro-ε (0 if none is left)
     * @throws IllegalArgumentException for empty or oversized JSON, a hospital id outside 0..16383,
     *     an empty record id, or a negative budget
     */
    public ApprovedQuery(
            String templateJson,
            String requestJson,
            Collection<Integer> permittedHospitals,
            Collection<String> revokedRecords,
            long remainingBudgetMicros) {
        this.templateJson = checkJson(templateJson, "template");
        this.requestJson = checkJson(requestJson, "request");
        TreeSet<Integer> h = new TreeSet<>();
        for (Integer id : permittedHospitals) {
            if (id == null || id < 0 || id >= MAX_HOSPITALS) {
                throw new IllegalArgumentException("hospital id must be in 0..16383");
            }
            h.add(id);
        }
        TreeSet<String> r = new TreeSet<>();
        for (String id : revokedRecords) {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("revoked record ids must be non-empty");
            }
            r.add(id);
        }
        if (r.size() > MAX_REVOKED) {
            throw new IllegalArgumentException("too many revoked records");
        }
        if (remainingBudgetMicros < 0) {
            throw new IllegalArgumentException("remaining budget must not be negative");
        }
        this.permittedHospitals = Collections.unmodifiableSortedSet(h);
        this.revokedRecords = Collections.unmodifiableSortedSet(r);
        this.remainingBudgetMicros = remainingBudgetMicros;
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

    public long remainingBudgetMicros() {
        return remainingBudgetMicros;
    }

    public byte[] toBytes() {
        WireWriter w =
                new WireWriter().u8(1).utf8(templateJson).utf8(requestJson).i32(permittedHospitals.size());
        permittedHospitals.forEach(w::i32);
        w.i32(revokedRecords.size());
        revokedRecords.forEach(w::utf8);
        return w.i64(remainingBudgetMicros).toByteArray();
    }

    /**
     * Parses encoding v1, refusing anything that {@link #toBytes()} would not produce (unsorted or
     * duplicate entries, trailing bytes), so that one query has exactly one encoding and one hash.
     */
    public static ApprovedQuery parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, 1, "approved-query");
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
        int m = r.i32();
        if (m < 0 || m > MAX_REVOKED || m > r.remaining() / 4) {
            throw new MalformedEncodingException("impossible revoked-record count " + m);
        }
        List<String> revoked = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            String id = r.utf8();
            if (i > 0 && id.compareTo(revoked.get(i - 1)) <= 0) {
                throw new MalformedEncodingException("revoked record ids are not strictly ascending");
            }
            revoked.add(id);
        }
        long budget = r.i64();
        r.expectEnd();
        try {
            return new ApprovedQuery(template, request, hospitals, revoked, budget);
        } catch (IllegalArgumentException e) {
            throw new MalformedEncodingException("invalid approved query: " + e.getMessage());
        }
    }

    /** SHA-256("medshare.approved-query.v1" ‖ {@link #toBytes()}): what the approver signs. */
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
                + ", remainingBudgetMicros=" + remainingBudgetMicros + "}";
    }
}
