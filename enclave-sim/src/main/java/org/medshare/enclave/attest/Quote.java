package org.medshare.enclave.attest;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.EnclaveMode;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * A simulated attestation quote: the enclave's measured identity plus 32 bytes of report data,
 * signed by the platform's attestation key, with the certificate chain attestation key →
 * SimPlatform → SimRoot attached. Shaped after the SGX ECDSA quote (report body + QE signature +
 * PCK chain) and always marked {@link EnclaveMode#SIMULATED}.
 *
 * <p>Report data is {@link #reportDataFor(byte[], byte[])} = SHA-256 over a domain label, the
 * verifier's nonce and the enclave's ephemeral public key (each length-prefixed), so a quote is
 * bound both to one verification and to the key the enclave will use.
 *
 * <p>Wire format, version 1 (all integers big-endian):
 *
 * <pre>
 *   u32 magic 0x4D535154 ("MSQT")   u16 version = 1
 *   u8  mode (0x53 SIMULATED)        u8  flags (bit 0 DEBUG; other bits must be 0)
 *   32  mrenclave  32 mrsigner  32 configId
 *   u16 productId  u16 svn  u8 tcbLevel  i64 issuedAt (Unix ms)  32 reportData
 *   u8  certificate count (1..4), each u32 length + DER, leaf (attestation key) first
 *   u32 length + ECDSA P-256 signature (DER) over "medshare.quote.v1" ‖ body
 * </pre>
 *
 * where body is every byte from magic through reportData. Unknown magic, version, mode, flags or
 * TCB codes and trailing bytes are refused by {@link #parse}.
 */
public final class Quote {
    public static final int MAGIC = 0x4D535154;
    public static final int VERSION = 1;
    static final String SIGNATURE_DOMAIN = "medshare.quote.v1";
    private static final String REPORT_DATA_DOMAIN = "medshare.reportdata.v1";

    private final EnclaveMode mode;
    private final EnclaveIdentity identity;
    private final TcbLevel tcbLevel;
    private final Instant issuedAt;
    private final byte[] reportData;
    private final List<byte[]> chainDer;
    private final byte[] signature;

    Quote(
            EnclaveMode mode,
            EnclaveIdentity identity,
            TcbLevel tcbLevel,
            Instant issuedAt,
            byte[] reportData,
            List<byte[]> chainDer,
            byte[] signature) {
        this.mode = mode;
        this.identity = identity;
        this.tcbLevel = tcbLevel;
        this.issuedAt = Instant.ofEpochMilli(issuedAt.toEpochMilli());
        this.reportData = reportData.clone();
        this.chainDer = chainDer.stream().map(byte[]::clone).toList();
        this.signature = signature.clone();
    }

    /** H(nonce ‖ ephemeral public key) as placed in the report data of a quote (32 bytes). */
    public static byte[] reportDataFor(byte[] verifierNonce, byte[] enclavePublicKey) {
        return Sha256.hash(new WireWriter()
                .utf8(REPORT_DATA_DOMAIN)
                .bytes(verifierNonce)
                .bytes(enclavePublicKey)
                .toByteArray());
    }

    static byte[] body(EnclaveMode mode, EnclaveIdentity id, TcbLevel tcb, Instant issuedAt, byte[] reportData) {
        return new WireWriter()
                .i32(MAGIC)
                .u16(VERSION)
                .u8(mode.wireCode())
                .u8(id.debug() ? 1 : 0)
                .fixed(id.mrenclave())
                .fixed(id.mrsigner())
                .fixed(id.configId())
                .u16(id.productId())
                .u16(id.svn())
                .u8(tcb.wireCode())
                .i64(issuedAt.toEpochMilli())
                .fixed(reportData)
                .toByteArray();
    }

    static byte[] signedBytes(byte[] body) {
        return new WireWriter().utf8(SIGNATURE_DOMAIN).fixed(body).toByteArray();
    }

    byte[] body() {
        return body(mode, identity, tcbLevel, issuedAt, reportData);
    }

    public byte[] toBytes() {
        WireWriter w = new WireWriter().fixed(body()).u8(chainDer.size());
        chainDer.forEach(w::bytes);
        return w.bytes(signature).toByteArray();
    }

    /** Parses a version-1 quote; does not verify it (see {@link QuoteVerifier}). */
    public static Quote parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = new WireReader(bytes);
        if (r.i32() != MAGIC) {
            throw new MalformedEncodingException("not a MedShare quote (bad magic)");
        }
        int version = r.u16();
        if (version != VERSION) {
            throw new MalformedEncodingException("unsupported quote version " + version);
        }
        EnclaveMode mode = EnclaveMode.fromWire(r.u8());
        int flags = r.u8();
        if ((flags & ~1) != 0) {
            throw new MalformedEncodingException("unknown quote flags 0x" + Integer.toHexString(flags));
        }
        byte[] mrenclave = r.fixed(32);
        byte[] mrsigner = r.fixed(32);
        byte[] configId = r.fixed(32);
        int productId = r.u16();
        int svn = r.u16();
        TcbLevel tcb = TcbLevel.fromWire(r.u8());
        Instant issuedAt = Instant.ofEpochMilli(r.i64());
        byte[] reportData = r.fixed(32);
        int n = r.u8();
        if (n < 1 || n > 4) {
            throw new MalformedEncodingException("certificate count " + n + " outside 1..4");
        }
        List<byte[]> chain = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chain.add(r.bytes());
        }
        byte[] sig = r.bytes();
        r.expectEnd();
        EnclaveIdentity id = new EnclaveIdentity(mrenclave, mrsigner, configId, productId, svn, (flags & 1) != 0);
        return new Quote(mode, id, tcb, issuedAt, reportData, chain, sig);
    }

    public EnclaveMode mode() {
        return mode;
    }

    public EnclaveIdentity identity() {
        return identity;
    }

    public TcbLevel tcbLevel() {
        return tcbLevel;
    }

    public Instant issuedAt() {
        return issuedAt;
    }

    public byte[] reportData() {
        return reportData.clone();
    }

    byte[] signature() {
        return signature.clone();
    }

    /** Parsed certificate chain, leaf (attestation key) first. */
    public List<X509Certificate> certificateChain() throws GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] der : chainDer) {
            out.add(Certificates.parse(der));
        }
        return out;
    }

    /** SHA-256 of the encoded quote, for audit records. */
    public byte[] hash() {
        return Sha256.hash(toBytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quote q && MessageDigest.isEqual(toBytes(), q.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(body());
    }

    @Override
    public String toString() {
        return "Quote{mode="
                + mode
                + " (SIMULATED TEE, no hardware protection), mrenclave="
                + Hex.of(identity.mrenclave())
                + ", mrsigner="
                + Hex.of(identity.mrsigner())
                + ", productId="
                + identity.productId()
                + ", svn="
                + identity.svn()
                + ", debug="
                + identity.debug()
                + ", tcb="
                + tcbLevel
                + ", issuedAt="
                + issuedAt
                + "}";
    }
}
