package org.medshare.enclave.rows;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The fixed-width binary layout of one analytics row (version 1, 32 bytes, little-endian); see
 * {@code enclave-sim/ROWS.md} for the normative description.
 *
 * <pre>
 * offset size field
 *      0    8 patient pseudonym (first 8 bytes of HMAC-SHA-256, read as a little-endian long)
 *      8    4 claim amount, integer cents, signed 32-bit, &gt;= 0
 *     12    4 payment amount, integer cents, signed 32-bit, &gt;= 0
 *     16    4 ICD-10 slot 0 ({@link Icd10} encoding, 0 = empty)
 *     20    4 ICD-10 slot 1
 *     24    4 ICD-10 slot 2
 *     28    4 packed: bits 0-13 hospital id, bits 14-24 service month index
 *                     ({@link ServiceMonth}), bits 25-29 age band, bits 30-31 sex ({@link Sex})
 * </pre>
 *
 * <p>Readers are static accessors over a {@code byte[]} so that aggregation loops read rows in
 * place without allocating objects.
 */
public final class RowLayout {
    /** Bytes per row. */
    public static final int ROW_BYTES = 32;
    /** Number of ICD-10 code slots per row. */
    public static final int ICD_SLOTS = 3;

    public static final int OFF_PATIENT = 0;
    public static final int OFF_CLAIM = 8;
    public static final int OFF_PAYMENT = 12;
    public static final int OFF_ICD = 16;
    public static final int OFF_PACKED = 28;

    /** Largest hospital id (14 bits). */
    public static final int MAX_HOSPITAL = (1 << 14) - 1;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private RowLayout() {}

    public static long patient(byte[] b, int off) {
        return (long) LONG.get(b, off + OFF_PATIENT);
    }

    public static int claimCents(byte[] b, int off) {
        return (int) INT.get(b, off + OFF_CLAIM);
    }

    public static int paymentCents(byte[] b, int off) {
        return (int) INT.get(b, off + OFF_PAYMENT);
    }

    /** Reads a little-endian int at an absolute offset (for field offsets chosen at run time). */
    public static int intAt(byte[] b, int absoluteOffset) {
        return (int) INT.get(b, absoluteOffset);
    }

    public static int icd(byte[] b, int off, int slot) {
        return (int) INT.get(b, off + OFF_ICD + 4 * slot);
    }

    public static int packed(byte[] b, int off) {
        return (int) INT.get(b, off + OFF_PACKED);
    }

    public static int hospitalOf(int packed) {
        return packed & 0x3FFF;
    }

    public static int monthIndexOf(int packed) {
        return (packed >>> 14) & 0x7FF;
    }

    public static int ageBandOf(int packed) {
        return (packed >>> 25) & 0x1F;
    }

    public static int sexOf(int packed) {
        return packed >>> 30;
    }

    /** Builds the packed word; arguments must already be in range. */
    public static int pack(int hospital, int monthIndex, int ageBand, int sex) {
        return hospital | (monthIndex << 14) | (ageBand << 25) | (sex << 30);
    }

    static void putLong(byte[] b, int off, long v) {
        LONG.set(b, off, v);
    }

    static void putInt(byte[] b, int off, int v) {
        INT.set(b, off, v);
    }
}
