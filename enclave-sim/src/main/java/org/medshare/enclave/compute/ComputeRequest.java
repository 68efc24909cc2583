package org.medshare.enclave.compute;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.keyrelease.QueryApproval;

/**
 * The request of the {@value StatisticsService#NAME} enclave service: the approved query, the
 * approver's signed {@link QueryApproval} over its hash, the candidate records, and record ids
 * whose consent the host learned was revoked after approval (these can only remove records).
 *
 * <p>Encoding v1: u8 1, bytes approvedQuery ({@link ApprovedQuery#toBytes()}), bytes approval
 * ({@link QueryApproval#toBytes()}), u32 n (1..{@value #MAX_RECORDS}) + n × (utf8 recordId, i32
 * hospitalId, bytes encryptedRows), u32 m + m × utf8 late-revoked record id.
 */
public final class ComputeRequest {
    static final int MAX_RECORDS = 100_000;

    private final byte[] approvedQuery;
    private final byte[] approval;
    private final List<InputRecord> records;
    private final SortedSet<String> lateRevocations;

    public ComputeRequest(
            ApprovedQuery approvedQuery,
            QueryApproval approval,
            List<InputRecord> records,
            Collection<String> lateRevocations) {
        this(approvedQuery.toBytes(), approval.toBytes(), records, lateRevocations);
    }

    private ComputeRequest(byte[] approvedQuery, byte[] approval, List<InputRecord> records, Collection<String> late) {
        if (records.isEmpty() || records.size() > MAX_RECORDS) {
            throw new IllegalArgumentException("1.." + MAX_RECORDS + " records are required");
        }
        this.approvedQuery = approvedQuery;
        this.approval = approval;
        this.records = List.copyOf(records);
        TreeSet<String> l = new TreeSet<>();
        for (String id : late) {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("revoked record ids must be non-empty");
            }
            l.add(id);
        }
        this.lateRevocations = Collections.unmodifiableSortedSet(l);
    }

    public byte[] toBytes() {
        WireWriter w =
                new WireWriter().u8(1).bytes(approvedQuery).bytes(approval).i32(records.size());
        for (InputRecord r : records) {
            w.utf8(r.recordId()).i32(r.hospitalId()).bytes(r.encryptedRows());
        }
        w.i32(lateRevocations.size());
        lateRevocations.forEach(w::utf8);
        return w.toByteArray();
    }

    /** Parses encoding v1; the approved query and approval are parsed lazily by their accessors. */
    public static ComputeRequest parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, 1, "compute request");
        byte[] query = r.bytes();
        byte[] approval = r.bytes();
        int n = r.i32();
        if (n < 1 || n > MAX_RECORDS || n > r.remaining() / 12) {
            throw new MalformedEncodingException("impossible record count " + n);
        }
        List<InputRecord> records = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                records.add(new InputRecord(r.utf8(), r.i32(), r.bytes()));
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedEncodingException("invalid record: " + e.getMessage());
        }
        int m = r.i32();
        if (m < 0 || m > r.remaining() / 4) {
            throw new MalformedEncodingException("impossible revocation count " + m);
        }
        List<String> late = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            late.add(r.utf8());
        }
        r.expectEnd();
        try {
            return new ComputeRequest(query, approval, records, late);
        } catch (IllegalArgumentException e) {
            throw new MalformedEncodingException("invalid compute request: " + e.getMessage());
        }
    }

    public ApprovedQuery approvedQuery() throws MalformedEncodingException {
        return ApprovedQuery.parse(approvedQuery);
    }

    public QueryApproval approval() throws MalformedEncodingException {
        return QueryApproval.parse(approval);
    }

    public List<InputRecord> records() {
        return records;
    }

    public SortedSet<String> lateRevocations() {
        return lateRevocations;
    }

    @Override
    public String toString() {
        return "ComputeRequest{records=" + records.size() + ", lateRevocations=" + lateRevocations.size() + "}";
    }
}
