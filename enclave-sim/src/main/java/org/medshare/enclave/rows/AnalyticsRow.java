package org.medshare.enclave.rows;

import java.util.Arrays;

/**
 * One analytics row (schema version 1): a claim (or an encounter without a claim) of one patient,
 * reduced to the fields the statistics engine may aggregate. Immutable; serialised as the 32-byte
 * layout of {@link RowLayout}; documented in {@code enclave-sim/ROWS.md}.
 *
 * <p>Invariants checked by the constructor: claim and payment amounts are integer cents in
 * {@code 0 .. Integer.MAX_VALUE}; the service month is a valid {@code yyyymm} in
 * {@link ServiceMonth}'s range; the age band is valid per {@link AgeBand}; the hospital id is in
 * {@code 0 .. RowLayout.MAX_HOSPITAL}; at most {@link RowLayout#ICD_SLOTS} ICD-10 codes, each a
 * non-zero {@link Icd10} value, stored in the order given.
 *
 * <p>The patient pseudonym is a keyed hash (see {@link PseudonymKey}); it is not secret by itself
 * but it is personal data, so {@link #toString()} leaves it out.
 */
public final class AnalyticsRow {
    private final long patientPseudonym;
    private final int ageBand;
    private final Sex sex;
    private final int[] icd;
    private final int claimCents;
    private final int paymentCents;
    private final int serviceMonth;
    private final int hospitalId;

    private AnalyticsRow(
            long patientPseudonym,
            int ageBand,
            Sex sex,
            int[] icd,
            int claimCents,
            int paymentCents,
            int serviceMonth,
            int hospitalId) {
        if (!AgeBand.isValid(ageBand)) {
            throw new IllegalArgumentException("invalid age band: " + ageBand);
        }
        if (sex == null) {
            throw new IllegalArgumentException("sex is required (use UNKNOWN)");
        }
        if (icd.length > RowLayout.ICD_SLOTS) {
            throw new IllegalArgumentException("at most " + RowLayout.ICD_SLOTS + " ICD-10 codes per row");
        }
        for (int c : icd) {
            if (c <= 0) {
                throw new IllegalArgumentException("ICD-10 slot values must be encoded codes (> 0)");
            }
        }
        if (claimCents < 0 || paymentCents < 0) {
            throw new IllegalArgumentException("amounts must be non-negative cents");
        }
        if (!ServiceMonth.isValid(serviceMonth)) {
            throw new IllegalArgumentException("service month must be yyyymm within 190001..207008: " + serviceMonth);
        }
        if (hospitalId < 0 || hospitalId > RowLayout.MAX_HOSPITAL) {
            throw new IllegalArgumentException("hospital id must be within 0.." + RowLayout.MAX_HOSPITAL);
        }
        this.patientPseudonym = patientPseudonym;
        this.ageBand = ageBand;
        this.sex = sex;
        this.icd = icd.clone();
        this.claimCents = claimCents;
        this.paymentCents = paymentCents;
        this.serviceMonth = serviceMonth;
        this.hospitalId = hospitalId;
    }

    /**
     * Creates a row.
     *
     * @param icdCodes encoded ICD-10 codes ({@link Icd10#encode}), at most {@link RowLayout#ICD_SLOTS}
     * @param serviceMonth {@code yyyymm}
     * @throws IllegalArgumentException if an invariant above does not hold
     */
    public static AnalyticsRow of(
            long patientPseudonym,
            int ageBand,
            Sex sex,
            int[] icdCodes,
            int claimCents,
            int paymentCents,
            int serviceMonth,
            int hospitalId) {
        return new AnalyticsRow(
                patientPseudonym, ageBand, sex, icdCodes.clone(), claimCents, paymentCents, serviceMonth, hospitalId);
    }

    /** Reads the row at {@code off} of {@code b}; refuses a row that violates the invariants. */
    public static AnalyticsRow readFrom(byte[] b, int off) {
        int packed = RowLayout.packed(b, off);
        int n = 0;
        int[] codes = new int[RowLayout.ICD_SLOTS];
        for (int s = 0; s < RowLayout.ICD_SLOTS; s++) {
            int c = RowLayout.icd(b, off, s);
            if (c != 0) {
                codes[n++] = c;
            }
        }
        return new AnalyticsRow(
                RowLayout.patient(b, off),
                RowLayout.ageBandOf(packed),
                Sex.ofCode(RowLayout.sexOf(packed)),
                Arrays.copyOf(codes, n),
                RowLayout.claimCents(b, off),
                RowLayout.paymentCents(b, off),
                ServiceMonth.yyyymmOf(RowLayout.monthIndexOf(packed)),
                RowLayout.hospitalOf(packed));
    }

    /** Writes the 32-byte layout at {@code off}. */
    public void writeTo(byte[] b, int off) {
        RowLayout.putLong(b, off + RowLayout.OFF_PATIENT, patientPseudonym);
        RowLayout.putInt(b, off + RowLayout.OFF_CLAIM, claimCents);
        RowLayout.putInt(b, off + RowLayout.OFF_PAYMENT, paymentCents);
        for (int s = 0; s < RowLayout.ICD_SLOTS; s++) {
            RowLayout.putInt(b, off + RowLayout.OFF_ICD + 4 * s, s < icd.length ? icd[s] : 0);
        }
        RowLayout.putInt(
                b,
                off + RowLayout.OFF_PACKED,
                RowLayout.pack(hospitalId, ServiceMonth.indexOf(serviceMonth), ageBand, sex.code()));
    }

    /** The row as its 32 bytes. */
    public byte[] toBytes() {
        byte[] b = new byte[RowLayout.ROW_BYTES];
        writeTo(b, 0);
        return b;
    }

    public long patientPseudonym() {
        return patientPseudonym;
    }

    public int ageBand() {
        return ageBand;
    }

    public Sex sex() {
        return sex;
    }

    /** Encoded ICD-10 codes (copy), without empty slots. */
    public int[] icdCodes() {
        return icd.clone();
    }

    public int claimCents() {
        return claimCents;
    }

    public int paymentCents() {
        return paymentCents;
    }

    /** {@code yyyymm}. */
    public int serviceMonth() {
        return serviceMonth;
    }

    public int hospitalId() {
        return hospitalId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AnalyticsRow)) {
            return false;
        }
        AnalyticsRow r = (AnalyticsRow) o;
        return patientPseudonym == r.patientPseudonym
                && ageBand == r.ageBand
                && sex == r.sex
                && Arrays.equals(icd, r.icd)
                && claimCents == r.claimCents
                && paymentCents == r.paymentCents
                && serviceMonth == r.serviceMonth
                && hospitalId == r.hospitalId;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(patientPseudonym) * 31 + Arrays.hashCode(icd) * 17 + serviceMonth + claimCents;
    }

    /** Omits the pseudonym. */
    @Override
    public String toString() {
        StringBuilder codes = new StringBuilder();
        for (int c : icd) {
            codes.append(codes.length() == 0 ? "" : ",").append(Icd10.decode(c));
        }
        return "AnalyticsRow[age=" + AgeBand.label(ageBand) + ", sex=" + sex.fhirCode() + ", icd=" + codes
                + ", claim=" + claimCents + ", payment=" + paymentCents + ", month=" + serviceMonth
                + ", hospital=" + hospitalId + "]";
    }
}
