package org.medshare.abe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.medshare.abe.internal.Lsss;

/**
 * Writes the known-answer vectors under src/test/resources/vectors/ (run by hand:
 * {@code java -cp <test classpath> org.medshare.abe.VectorGenerator src/test/resources/vectors}).
 * Everything is derived from fixed seeds, so re-running produces identical files; {@link KnownAnswerTest}
 * checks the committed files against the implementation.
 */
public final class VectorGenerator {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final HexFormat HEX = HexFormat.of();

    /** Valid policies for the compiler vectors. */
    static final List<String> VALID = List.of(
            "role:physician",
            "(role:physician AND dept:cardiology) OR role:auditor",
            "2 of (org:hospital-a, org:hospital-b, purpose:insurance-stats)",
            "a:1 AND b:2 AND c:3",
            "a:1 or b:2 and c:3",
            "dept:cardiology@2026Q4 AND (dept:cardiology@2026Q4 OR role:nurse)",
            "3 of (a:1, b:2, c:3, d:4, a:1)",
            "2 of (a:1 AND b:2, c:3 OR d:4, 2 of (e:5, f:6, g:7))");

    /** Invalid policies: id (the mutation), expression, position. */
    static final List<Object[]> INVALID = List.of(
            new Object[] {"empty", "", 0},
            new Object[] {"dangling-and", "role:physician AND", 18},
            new Object[] {"missing-close-paren", "role:physician AND (dept:cardiology", 35},
            new Object[] {"extra-close-paren", "role:physician)", 14},
            new Object[] {"attribute-without-colon", "role", 0},
            new Object[] {"empty-key", "a:b OR :c", 7},
            new Object[] {"forbidden-character", "a:b # c:d", 4},
            new Object[] {"threshold-exceeds-alternatives", "3 of (a:b, c:d)", 0},
            new Object[] {"threshold-zero", "0 of (a:b, c:d)", 0},
            new Object[] {"threshold-without-of", "2 (a:b, c:d)", 2},
            new Object[] {"threshold-without-parens", "2 of a:b, c:d", 5},
            new Object[] {"missing-comma", "2 of (a:b c:d)", 10},
            new Object[] {"double-operator", "a:b AND AND c:d", 8});

    private VectorGenerator() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/vectors");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("policy-compiler.json"), JSON.writeValueAsString(policyVectors()) + "\n");
        Files.writeString(dir.resolve("envelope.json"), JSON.writeValueAsString(envelopeVectors()) + "\n");
    }

    static ObjectNode policyVectors() {
        ObjectNode root = JSON.createObjectNode();
        root.put(
                "description",
                "Policy language (Policy) -> canonical form and monotone span program "
                        + "(rows labelled by attribute, exact integer entries; target (1,0,...,0)). Invalid cases carry the "
                        + "0-based error position.");
        ArrayNode cases = root.putArray("cases");
        int n = 0;
        for (String expr : VALID) {
            Policy p = Policy.parse(expr);
            Lsss m = p.spanProgram();
            ObjectNode c = cases.addObject();
            c.put("id", "valid-" + (++n));
            c.put("expression", expr);
            c.put("valid", true);
            c.put("canonical", p.toString());
            ArrayNode labels = c.putArray("rows");
            ArrayNode matrix = c.putArray("matrix");
            for (int i = 0; i < m.rowCount(); i++) {
                labels.add(m.label(i));
                ArrayNode row = matrix.addArray();
                for (int j = 0; j < m.columnCount(); j++) {
                    row.add(m.entry(i, j).toString());
                }
            }
        }
        for (Object[] bad : INVALID) {
            ObjectNode c = cases.addObject();
            c.put("id", (String) bad[0]);
            c.put("expression", (String) bad[1]);
            c.put("valid", false);
            c.put("position", (Integer) bad[2]);
        }
        return root;
    }

    /** Deterministic authority, key and envelope for a seed. */
    record Fixture(MasterKey msk, UserKey key, byte[] plaintext, byte[] envelope) {}

    static final String POLICY =
            "(role:physician AND dept:cardiology@2026Q4) OR 2 of (org:hospital-a, org:hospital-b, role:auditor)";
    static final List<String> ATTRS = List.of("role:physician", "dept:cardiology@2026Q4");

    static Fixture fixture(long seed, Suite suite) throws Exception {
        AbeScheme scheme = new AbeScheme(new DeterministicRandom(seed));
        MasterKey msk = scheme.setup(suite);
        UserKey key = scheme.keygen(msk, ATTRS);
        byte[] plaintext = new byte[600];
        new DeterministicRandom(seed + 1000).nextBytes(plaintext);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EnvelopeWriter(
                        scheme,
                        msk.publicParameters(),
                        Policy.parse(POLICY),
                        suite,
                        8,
                        new DeterministicRandom(seed + 2000))
                .encrypt(new ByteArrayInputStream(plaintext), out);
        return new Fixture(msk, key, plaintext, out.toByteArray());
    }

    static ObjectNode envelopeVectors() throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put(
                "description",
                "Envelope v1 known answers. Randomness: SHA-256(seed_be64 || counter_be64) blocks "
                        + "(test DeterministicRandom); scheme seed = seed, plaintext seed = seed+1000, nonce-prefix seed = seed+2000; "
                        + "chunk size 256. Valid cases must decrypt to the plaintext with the user key; invalid cases (named after "
                        + "their mutation) must fail with the generic decryption error.");
        root.put("policy", POLICY);
        root.putPOJO("attributes", ATTRS);
        ArrayNode cases = root.putArray("cases");
        for (Suite suite : Suite.values()) {
            long seed = suite == Suite.NIST ? 1 : 2;
            Fixture f = fixture(seed, suite);
            byte[] env = f.envelope();
            int header = 11
                    + (((env[7] & 0xff) << 24) | ((env[8] & 0xff) << 16) | ((env[9] & 0xff) << 8) | (env[10] & 0xff))
                    + 7;
            int sealed = 256 + 16;
            ObjectNode c = cases.addObject();
            c.put("id", suite.label() + "-valid");
            c.put("seed", seed);
            c.put("suite", suite.label());
            c.put("valid", true);
            c.put("publicParameters", HEX.formatHex(f.msk().publicParameters().toBytes()));
            c.put("userKey", HEX.formatHex(f.key().toBytes(InsecureSecretKeyAccess.get())));
            c.put("plaintext", HEX.formatHex(f.plaintext()));
            c.put("envelope", HEX.formatHex(env));
            addInvalid(cases, suite, seed, "flip-magic", env, b -> set(b, 0, b[0] ^ 1));
            addInvalid(cases, suite, seed, "version-2", env, b -> set(b, 4, 2));
            addInvalid(cases, suite, seed, "unknown-suite-7", env, b -> set(b, 5, 7));
            addInvalid(cases, suite, seed, "other-suite", env, b -> set(b, 5, suite == Suite.NIST ? 2 : 1));
            addInvalid(cases, suite, seed, "chunk-size-2^9", env, b -> set(b, 6, 9));
            addInvalid(cases, suite, seed, "kem-length-0xffffffff", env, b -> {
                b = set(b, 7, 0xff);
                b = set(b, 8, 0xff);
                b = set(b, 9, 0xff);
                return set(b, 10, 0xff);
            });
            addInvalid(cases, suite, seed, "policy-byte-flipped", env, b -> set(b, 11 + 7, b[11 + 7] ^ 0x02));
            addInvalid(
                    cases,
                    suite,
                    seed,
                    "ct0-bit-flipped",
                    env,
                    b -> set(b, header - 7 - 400, b[header - 7 - 400] ^ 0x10));
            addInvalid(cases, suite, seed, "nonce-prefix-bit-flipped", env, b -> set(b, header - 1, b[header - 1] ^ 1));
            addInvalid(cases, suite, seed, "chunk[0]-bit-3", env, b -> set(b, header + 5, b[header + 5] ^ 8));
            addInvalid(cases, suite, seed, "tag[last]-bit-0", env, b -> set(b, b.length - 1, b[b.length - 1] ^ 1));
            addInvalid(
                    cases,
                    suite,
                    seed,
                    "truncated-at-chunk-boundary-2",
                    env,
                    b -> Arrays.copyOf(b, header + 2 * sealed));
            addInvalid(cases, suite, seed, "truncated-last-byte", env, b -> Arrays.copyOf(b, b.length - 1));
            addInvalid(cases, suite, seed, "swap-chunks-0-1", env, b -> {
                byte[] c2 = b.clone();
                System.arraycopy(b, header, c2, header + sealed, sealed);
                System.arraycopy(b, header + sealed, c2, header, sealed);
                return c2;
            });
            addInvalid(cases, suite, seed, "trailing-garbage", env, b -> Arrays.copyOf(b, b.length + 1));
        }
        return root;
    }

    private static byte[] set(byte[] b, int pos, int value) {
        byte[] c = b.clone();
        c[pos] = (byte) value;
        return c;
    }

    private static void addInvalid(
            ArrayNode cases, Suite suite, long seed, String id, byte[] env, UnaryOperator<byte[]> mutation) {
        ObjectNode c = cases.addObject();
        c.put("id", suite.label() + "-" + id);
        c.put("seed", seed);
        c.put("suite", suite.label());
        c.put("valid", false);
        c.put("envelope", HEX.formatHex(mutation.apply(env)));
    }
}
