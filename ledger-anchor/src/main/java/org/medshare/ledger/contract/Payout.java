package org.medshare.ledger.contract;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What one hospital receives from one settlement.
 *
 * @param hospital    the hospital
 * @param recordCount its records used by the query
 * @param amount      its share in the smallest currency unit
 */
public record Payout(EvmAddress hospital, long recordCount, BigInteger amount) {
    public Payout {
        Objects.requireNonNull(hospital, "hospital");
        Objects.requireNonNull(amount, "amount");
    }
}
