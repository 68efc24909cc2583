package org.medshare.ledger.contract;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The settlement rule of {@code IncentiveEscrow.sol}, in Java: the same
 * integer arithmetic, so that the service can show a quote before settling and
 * the offline verifier can check every {@code Paid} event. The contract's
 * header comment and this class state the same rule and must change together.
 *
 * <p>With T the sum of the record counts and p the price per record in
 * 1/{@value #PRICE_SCALE} currency units:
 * <ol>
 *   <li>amount = floor(T &middot; p / {@value #PRICE_SCALE}), charged to the insurer;</li>
 *   <li>share<sub>i</sub> = floor(amount &middot; count<sub>i</sub> / T);</li>
 *   <li>the remainder amount &minus; &Sigma; share<sub>i</sub> (less than the
 *       number of hospitals) goes wholly to the hospital with the largest record
 *       count, ties broken by the lowest address.</li>
 * </ol>
 * The payouts therefore add up to exactly the amount. Hospitals are handled in
 * ascending address order, the order the contract requires.
 */
public final class ProRataSplit {
    /** Sub-units of the price per record per currency unit (the contract's {@code PRICE_SCALE}). */
    public static final long PRICE_SCALE = 1_000_000L;

    private static final BigInteger SCALE = BigInteger.valueOf(PRICE_SCALE);

    private ProRataSplit() {}

    /**
     * @return floor(totalRecords &middot; pricePerRecord / PRICE_SCALE)
     */
    public static BigInteger amount(BigInteger totalRecords, BigInteger pricePerRecord) {
        return totalRecords.multiply(pricePerRecord).divide(SCALE);
    }

    /**
     * Splits a settlement.
     *
     * @param pricePerRecord non-negative, in 1/PRICE_SCALE currency units
     * @param records        at least one entry, no hospital twice (any order)
     * @return one payout per hospital, in ascending address order
     * @throws IllegalArgumentException on an empty list, a repeated hospital or a negative price
     */
    public static List<Payout> split(BigInteger pricePerRecord, List<HospitalRecords> records) {
        Objects.requireNonNull(pricePerRecord, "pricePerRecord");
        if (pricePerRecord.signum() < 0) {
            throw new IllegalArgumentException("price per record must not be negative");
        }
        List<HospitalRecords> sorted = sortedDistinct(records);
        BigInteger total = BigInteger.ZERO;
        int largest = 0;
        for (int i = 0; i < sorted.size(); i++) {
            total = total.add(BigInteger.valueOf(sorted.get(i).recordCount()));
            if (sorted.get(i).recordCount() > sorted.get(largest).recordCount()) {
                largest = i;
            }
        }
        BigInteger amount = amount(total, pricePerRecord);
        BigInteger[] shares = new BigInteger[sorted.size()];
        BigInteger paid = BigInteger.ZERO;
        for (int i = 0; i < sorted.size(); i++) {
            shares[i] = amount.multiply(BigInteger.valueOf(sorted.get(i).recordCount()))
                    .divide(total);
            paid = paid.add(shares[i]);
        }
        shares[largest] = shares[largest].add(amount.subtract(paid));
        List<Payout> payouts = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            payouts.add(new Payout(sorted.get(i).hospital(), sorted.get(i).recordCount(), shares[i]));
        }
        return Collections.unmodifiableList(payouts);
    }

    /**
     * @return the records in ascending hospital address order
     * @throws IllegalArgumentException if the list is empty or names a hospital twice
     */
    static List<HospitalRecords> sortedDistinct(List<HospitalRecords> records) {
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a settlement needs at least one hospital");
        }
        List<HospitalRecords> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparing(HospitalRecords::hospital));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).hospital().equals(sorted.get(i - 1).hospital())) {
                throw new IllegalArgumentException(
                        "hospital listed twice: " + sorted.get(i).hospital());
            }
        }
        return sorted;
    }
}
