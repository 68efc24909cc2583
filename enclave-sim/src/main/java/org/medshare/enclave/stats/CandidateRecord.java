package org.medshare.enclave.stats;

/**
 * A record the host would present to a query, before its rows: its id and the hospital that uploaded it (from the
 * record manifest). The engine decides from these alone which records a query admits.
 */
public record CandidateRecord(String recordId, int hospitalId) {
    public CandidateRecord {
        if (recordId == null || recordId.isEmpty()) {
            throw new IllegalArgumentException("a record id is required");
        }
    }
}
