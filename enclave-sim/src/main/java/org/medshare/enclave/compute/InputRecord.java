package org.medshare.enclave.compute;

import java.util.Arrays;

/**
 * One candidate record the host hands to the worker enclave: its id, the hospital that uploaded
 * it (from the record manifest), and its encrypted analytics rows exactly as uploaded ({@code
 * EncryptedRows} wire format, ROWS.md). The host never holds the rows' plaintext or data key.
 *
 * @param recordId 1..256 characters
 * @param hospitalId 0..16383
 * @param encryptedRows the upload container's bytes (not copied out of the enclave, ever)
 */
public record InputRecord(String recordId, int hospitalId, byte[] encryptedRows) {
    static final int MAX_RECORD_ID = 256;

    public InputRecord {
        check(recordId, hospitalId);
        if (encryptedRows == null || encryptedRows.length == 0) {
            throw new IllegalArgumentException("encrypted rows are required");
        }
        encryptedRows = encryptedRows.clone();
    }

    /** Checks a record id (1..256 characters) and a hospital id (0..16383). */
    static void check(String recordId, int hospitalId) {
        if (recordId == null || recordId.isEmpty() || recordId.length() > MAX_RECORD_ID) {
            throw new IllegalArgumentException("record id must be 1..256 characters");
        }
        if (hospitalId < 0 || hospitalId > 16383) {
            throw new IllegalArgumentException("hospital id must be in 0..16383");
        }
    }

    @Override
    public byte[] encryptedRows() {
        return encryptedRows.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputRecord r
                && r.recordId.equals(recordId)
                && r.hospitalId == hospitalId
                && Arrays.equals(r.encryptedRows, encryptedRows);
    }

    @Override
    public int hashCode() {
        return recordId.hashCode() * 31 + hospitalId;
    }

    @Override
    public String toString() {
        return "InputRecord{" + recordId + ", hospital=" + hospitalId + ", " + encryptedRows.length + " bytes}";
    }
}
