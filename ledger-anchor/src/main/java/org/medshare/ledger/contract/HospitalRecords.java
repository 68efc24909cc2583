package org.medshare.ledger.contract;

import java.util.Objects;

/**
 * How many records of one hospital a query used.
 *
 * @param hospital    the hospital's contract address
 * @param recordCount at least 1
 */
public record HospitalRecords(EvmAddress hospital, long recordCount) {
    public HospitalRecords {
        Objects.requireNonNull(hospital, "hospital");
        if (recordCount < 1) {
            throw new IllegalArgumentException("record count must be at least 1, got " + recordCount);
        }
    }
}
