package org.medshare.bench.abe;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.EnvelopeReader;
import org.medshare.abe.EnvelopeWriter;
import org.medshare.abe.MasterKey;
import org.medshare.abe.Policy;
import org.medshare.abe.Suite;
import org.medshare.abe.UserKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Streaming envelope throughput on one thread: a 64 MiB payload encrypted / decrypted through
 * {@link EnvelopeWriter}/{@link EnvelopeReader} (128 KiB chunks, KEM included), and in the same run
 * the bare cipher over the same data in the same chunk size (JDK AES-256-GCM, BouncyCastle SM4-GCM).
 * Scores are milliseconds per 64 MiB: GB/s = 67.109 / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class PayloadBench {
    static final int SIZE = 64 << 20;
    static final int CHUNK = 1 << 17;

    @Param({"nist", "gm"})
    public String suite;

    private byte[] plaintext;
    private byte[] envelope;
    private AbeScheme scheme;
    private MasterKey msk;
    private UserKey key;
    private Policy policy;
    private byte[] sealed;
    private final byte[] aesKey = new byte[32];
    private final byte[] sm4Key = new byte[16];

    @Setup
    public void setUp() throws Exception {
        plaintext = new byte[SIZE];
        new SecureRandom().nextBytes(plaintext);
        scheme = AbeScheme.create();
        msk = scheme.setup(Suite.NIST);
        key = scheme.keygen(msk, List.of("role:physician"));
        policy = Policy.parse("role:physician");
        ByteArrayOutputStream out = new ByteArrayOutputStream(SIZE + (1 << 20));
        new EnvelopeWriter(scheme, msk.publicParameters(), policy, Suite.fromLabel(suite))
                .encrypt(new ByteArrayInputStream(plaintext), out);
        envelope = out.toByteArray();
        sealed = new byte[CHUNK + 16];
    }

    @Benchmark
    public long envelopeEncrypt() throws Exception {
        return new EnvelopeWriter(scheme, msk.publicParameters(), policy, Suite.fromLabel(suite))
                .encrypt(new ByteArrayInputStream(plaintext), OutputStream.nullOutputStream());
    }

    @Benchmark
    public long envelopeDecrypt() throws Exception {
        return new EnvelopeReader(key).decrypt(new ByteArrayInputStream(envelope), OutputStream.nullOutputStream());
    }

    /** Floor: the bare AEAD over the same bytes in the same chunk size, no framing or KEM. */
    @Benchmark
    public long bareCipherEncrypt() throws Exception {
        long total = 0;
        byte[] nonce = new byte[12];
        if (suite.equals("nist")) {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            SecretKeySpec k = new SecretKeySpec(aesKey, "AES");
            for (int off = 0, i = 0; off < SIZE; off += CHUNK, i++) {
                nonce[11] = (byte) i;
                nonce[10] = (byte) (i >>> 8);
                c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
                total += c.doFinal(plaintext, off, CHUNK, sealed, 0);
            }
        } else {
            GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
            KeyParameter k = new KeyParameter(sm4Key);
            for (int off = 0, i = 0; off < SIZE; off += CHUNK, i++) {
                nonce[11] = (byte) i;
                nonce[10] = (byte) (i >>> 8);
                gcm.init(true, new AEADParameters(k, 128, nonce));
                int n = gcm.processBytes(plaintext, off, CHUNK, sealed, 0);
                total += n + gcm.doFinal(sealed, n);
            }
        }
        return total;
    }
}
