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
import org.medshare.enclave.stats.CandidateRecord;

/**
 * A request of the {@value StatisticsService#NAME} enclave service. A query runs in three steps, so that neither the
 * host nor the enclave ever holds every record's ciphertext at once: {@link Start} (the approved query, the approval
 * and the candidate records' ids and hospitals; the enclave answers with the ids it admits, in the order it wants
 * them), then any number of {@link Batch}es of those records' encrypted rows in that order, then {@link Finish}
 * (the enclave answers with the signed result). The approval's hash names the run in the last two.
 *
 * <p>Encoding, by first byte:
 *
 * <ul>
 *   <li>2 start: bytes approvedQuery ({@link ApprovedQuery#toBytes()}), bytes approval ({@link
 *       QueryApproval#toBytes()}), u32 n (0..{@value #MAX_CANDIDATES}) + n × (utf8 recordId, i32 hospitalId), u32 m +
 *       m × utf8 record id whose consent was revoked after approval;
 *   <li>3 batch: 32 bytes approval hash, u32 n (1..{@value #MAX_BATCH}) + n × (utf8 recordId, i32 hospitalId, bytes
 *       encryptedRows);
 *   <li>4 finish: 32 bytes approval hash.
 * </ul>
 */
public sealed interface ComputeRequest {
    int MAX_CANDIDATES = 10_000_000;
    int MAX_BATCH = 10_000;

    byte[] toBytes();

    /** Parses any of the three requests. */
    static ComputeRequest parse(byte[] bytes) throws MalformedEncodingException {
        int kind = bytes.length == 0 ? -1 : bytes[0];
        switch (kind) {
            case Start.KIND:
                return Start.parse(bytes);
            case Batch.KIND:
                return Batch.parse(bytes);
            case Finish.KIND:
                return Finish.parse(bytes);
            default:
                throw new MalformedEncodingException("unknown compute request " + kind);
        }
    }

    /**
     * Starts a run.
     *
     * @param candidates the records the host would present; the enclave admits those the approval lets it read
     * @param lateRevocations record ids whose consent the host learned was revoked after approval (these can only
     *     remove records)
     */
    record Start(
            byte[] approvedQuery, byte[] approval, List<CandidateRecord> candidates, SortedSet<String> lateRevocations)
            implements ComputeRequest {
        static final int KIND = 2;

        public Start(
                ApprovedQuery query,
                QueryApproval approval,
                List<CandidateRecord> candidates,
                Collection<String> lateRevocations) {
            this(query.toBytes(), approval.toBytes(), candidates, new TreeSet<>(lateRevocations));
        }

        public Start {
            if (candidates.size() > MAX_CANDIDATES) {
                throw new IllegalArgumentException("at most " + MAX_CANDIDATES + " candidate records");
            }
            for (CandidateRecord c : candidates) {
                InputRecord.check(c.recordId(), c.hospitalId());
            }
            for (String id : lateRevocations) {
                if (id == null || id.isEmpty()) {
                    throw new IllegalArgumentException("revoked record ids must be non-empty");
                }
            }
            approvedQuery = approvedQuery.clone();
            approval = approval.clone();
            candidates = List.copyOf(candidates);
            lateRevocations = Collections.unmodifiableSortedSet(new TreeSet<>(lateRevocations));
        }

        public ApprovedQuery query() throws MalformedEncodingException {
            return ApprovedQuery.parse(approvedQuery);
        }

        public QueryApproval parsedApproval() throws MalformedEncodingException {
            return QueryApproval.parse(approval);
        }

        @Override
        public byte[] toBytes() {
            WireWriter w = new WireWriter()
                    .u8(KIND)
                    .bytes(approvedQuery)
                    .bytes(approval)
                    .i32(candidates.size());
            for (CandidateRecord c : candidates) {
                w.utf8(c.recordId()).i32(c.hospitalId());
            }
            w.i32(lateRevocations.size());
            lateRevocations.forEach(w::utf8);
            return w.toByteArray();
        }

        static Start parse(byte[] bytes) throws MalformedEncodingException {
            WireReader r = WireReader.versioned(bytes, KIND, "compute start");
            byte[] query = r.bytes();
            byte[] approval = r.bytes();
            int n = r.i32();
            if (n < 0 || n > MAX_CANDIDATES || n > r.remaining() / 8) {
                throw new MalformedEncodingException("impossible record count " + n);
            }
            List<CandidateRecord> candidates = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                candidates.add(candidate(r.utf8(), r.i32()));
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
                return new Start(query, approval, candidates, new TreeSet<>(late));
            } catch (IllegalArgumentException e) {
                throw new MalformedEncodingException("invalid compute start: " + e.getMessage());
            }
        }

        private static CandidateRecord candidate(String recordId, int hospitalId) throws MalformedEncodingException {
            try {
                InputRecord.check(recordId, hospitalId);
                return new CandidateRecord(recordId, hospitalId);
            } catch (IllegalArgumentException e) {
                throw new MalformedEncodingException("invalid record: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "ComputeRequest.Start{candidates=" + candidates.size() + ", lateRevocations="
                    + lateRevocations.size() + "}";
        }
    }

    /** The next admitted records of the run its approval hash names, in the order the start answered. */
    record Batch(byte[] approvalHash, List<InputRecord> records) implements ComputeRequest {
        static final int KIND = 3;

        public Batch {
            if (approvalHash.length != 32) {
                throw new IllegalArgumentException("an approval hash is 32 bytes");
            }
            if (records.isEmpty() || records.size() > MAX_BATCH) {
                throw new IllegalArgumentException("1.." + MAX_BATCH + " records per batch");
            }
            approvalHash = approvalHash.clone();
            records = List.copyOf(records);
        }

        @Override
        public byte[] approvalHash() {
            return approvalHash.clone();
        }

        @Override
        public byte[] toBytes() {
            WireWriter w = new WireWriter().u8(KIND).fixed(approvalHash).i32(records.size());
            for (InputRecord r : records) {
                w.utf8(r.recordId()).i32(r.hospitalId()).bytes(r.encryptedRows());
            }
            return w.toByteArray();
        }

        static Batch parse(byte[] bytes) throws MalformedEncodingException {
            WireReader r = WireReader.versioned(bytes, KIND, "compute batch");
            byte[] hash = r.fixed(32);
            int n = r.i32();
            if (n < 1 || n > MAX_BATCH || n > r.remaining() / 12) {
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
            return r.end(new Batch(hash, records));
        }

        @Override
        public String toString() {
            return "ComputeRequest.Batch{records=" + records.size() + "}";
        }
    }

    /** Ends the run its approval hash names: the enclave releases and signs the result. */
    record Finish(byte[] approvalHash) implements ComputeRequest {
        static final int KIND = 4;

        public Finish {
            if (approvalHash.length != 32) {
                throw new IllegalArgumentException("an approval hash is 32 bytes");
            }
            approvalHash = approvalHash.clone();
        }

        @Override
        public byte[] approvalHash() {
            return approvalHash.clone();
        }

        @Override
        public byte[] toBytes() {
            return new WireWriter().u8(KIND).fixed(approvalHash).toByteArray();
        }

        static Finish parse(byte[] bytes) throws MalformedEncodingException {
            WireReader r = WireReader.versioned(bytes, KIND, "compute finish");
            return r.end(new Finish(r.fixed(32)));
        }
    }
}
