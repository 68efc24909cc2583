package org.medshare.client;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract of DESIGN §8, exercised as a user runs it (in-process main). */
class CliTest {
    @TempDir
    static Path dir;

    static Path authority;
    static Path plain;
    static Path doctorKey;
    static Path nurseKey;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Medshare.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String s(Path p) {
        return p.toString();
    }

    @BeforeAll
    static void setUp() throws Exception {
        authority = dir.resolve("authority");
        Result r = run("authority", "init", "--dir", s(authority));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(authority.resolve("public.params")));
        assertTrue(Files.isRegularFile(authority.resolve("master.key")));
        doctorKey = dir.resolve("doctor.key");
        nurseKey = dir.resolve("nurse.key");
        assertEquals(
                0,
                run(
                                "authority",
                                "keygen",
                                "--dir",
                                s(authority),
                                "--attrs",
                                "role:physician,dept:cardiology@2026Q4",
                                "--out",
                                s(doctorKey))
                        .code());
        assertEquals(
                0,
                run("authority", "keygen", "--dir", s(authority), "--attrs", "role:nurse", "--out", s(nurseKey))
                        .code());
        plain = dir.resolve("record.json");
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Files.write(plain, data);
    }

    private Path encrypt(String suite, String policy) {
        Path out = dir.resolve("enc-" + suite + "-" + Math.abs(policy.hashCode()) + ".msae");
        Result r = run(
                "encrypt",
                "--params",
                s(authority.resolve("public.params")),
                "--policy",
                policy,
                "--in",
                s(plain),
                "--out",
                s(out),
                "--suite",
                suite);
        assertEquals(0, r.code(), r.err());
        return out;
    }

    @Test
    void roundTripBothSuites() throws Exception {
        for (String suite : new String[] {"nist", "gm"}) {
            Path env = encrypt(suite, "(role:physician AND dept:cardiology@2026Q4) OR role:auditor");
            Path back = dir.resolve("back-" + suite);
            Result r = run("decrypt", "--key", s(doctorKey), "--in", s(env), "--out", s(back));
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(back));
        }
    }

    @Test
    void unsatisfyingKeyExitsOneAndLeavesNoFile() throws Exception {
        Path env = encrypt("nist", "role:physician AND dept:cardiology@2026Q4");
        Path back = dir.resolve("nurse-out");
        Result r = run("decrypt", "--key", s(nurseKey), "--in", s(env), "--out", s(back));
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("medshare: decryption failed"), r.err());
        assertFalse(Files.exists(back));
        assertNoLeftovers();
    }

    @Test
    void oldEpochKeyDoesNotOpenNewEpoch() throws Exception {
        Path env = encrypt("nist", "role:physician AND dept:cardiology@2027Q1");
        Path back = dir.resolve("epoch-out");
        assertEquals(
                1,
                run("decrypt", "--key", s(doctorKey), "--in", s(env), "--out", s(back))
                        .code());
        assertFalse(Files.exists(back));
    }

    @Test
    void flippedByteExitsOneAndLeavesNoFile() throws Exception {
        Path env = encrypt("gm", "role:physician");
        byte[] b = Files.readAllBytes(env);
        for (int pos : new int[] {0, 5, 20, b.length / 2, b.length - 1}) {
            byte[] c = b.clone();
            c[pos] ^= 0x01;
            Path bad = dir.resolve("flipped-" + pos);
            Files.write(bad, c);
            Path back = dir.resolve("flipped-out-" + pos);
            Result r = run("decrypt", "--key", s(doctorKey), "--in", s(bad), "--out", s(back));
            assertEquals(1, r.code(), "flip at " + pos);
            assertFalse(Files.exists(back));
        }
        assertNoLeftovers();
    }

    @Test
    void existingOutputIsKeptOnFailure() throws Exception {
        Path env = encrypt("nist", "role:physician");
        Path back = dir.resolve("existing-out");
        Files.writeString(back, "keep me");
        assertEquals(
                1,
                run("decrypt", "--key", s(nurseKey), "--in", s(env), "--out", s(back))
                        .code());
        assertEquals("keep me", Files.readString(back));
    }

    @Test
    void malformedPolicyIsUsageErrorWithPosition() {
        Path out = dir.resolve("never");
        Result r = run(
                "encrypt",
                "--params",
                s(authority.resolve("public.params")),
                "--policy",
                "role:physician AND (dept:cardiology",
                "--in",
                s(plain),
                "--out",
                s(out));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("position 35"), r.err());
        assertEquals(1, r.err().strip().lines().count());
        assertFalse(Files.exists(out));
    }

    @Test
    void usageErrors() {
        assertEquals(2, run().code());
        assertEquals(2, run("bogus").code());
        assertEquals(2, run("encrypt", "--policy", "a:b").code());
        assertEquals(2, run("authority", "init", "--dir", s(authority)).code(), "re-init refused");
        assertEquals(
                2,
                run("authority", "init", "--dir", s(dir.resolve("x")), "--suite", "rot13")
                        .code());
        assertEquals(
                2,
                run("authority", "keygen", "--dir", s(authority), "--attrs", "nocolon", "--out", s(dir.resolve("k")))
                        .code());
        assertEquals(
                2,
                run("decrypt", "--key", s(doctorKey), "--in", s(dir.resolve("missing")), "--out", s(dir.resolve("o")))
                        .code());
        assertFalse(Files.exists(dir.resolve("o")));
        assertFalse(Files.exists(dir.resolve("k")));
    }

    @Test
    void withoutArgumentsEveryCommandIsListed() {
        var r = run();
        assertEquals(2, r.code());
        for (String command : List.of(
                "authority",
                "encrypt",
                "decrypt",
                "login",
                "upload",
                "pseudonym-key",
                "query",
                "audit",
                "payments",
                "budgets",
                "data-use",
                "disclosure",
                "records",
                "consent",
                "party",
                "node")) {
            assertTrue(r.err().contains("\n  " + command + " "), command + " missing from:\n" + r.err());
        }
        assertTrue(
                r.err()
                        .endsWith("medshare: missing command: one of authority, encrypt, decrypt, login, upload, "
                                + "pseudonym-key, query, audit, payments, budgets, data-use, disclosure, records, consent,"
                                + " party, node\n"),
                r.err());
    }

    @Test
    void uploadHelpSaysWhatIsAcceptedAndShowsAPolicyExample() {
        var r = run("upload", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--policy 'org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4'"), r.out());
        assertTrue(help.contains("document, collection, transaction, batch, message, searchset"), r.out());
        assertTrue(help.contains("JSON or XML, at most 16711680 bytes"), r.out());
        assertTrue(help.contains("medshare pseudonym-key create"), r.out());
    }

    @Test
    void corruptKeyFileExitsOne() throws Exception {
        Path env = encrypt("nist", "role:physician");
        byte[] k = Files.readAllBytes(doctorKey);
        k[k.length - 10] ^= 0x40;
        Path bad = dir.resolve("bad.key");
        Files.write(bad, k);
        Result r = run("decrypt", "--key", s(bad), "--in", s(env), "--out", s(dir.resolve("bk-out")));
        assertEquals(1, r.code());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(dir.resolve("bk-out")));
    }

    @Test
    void gmSuiteFromAuthorityDefault() throws Exception {
        Path gmAuth = dir.resolve("gm-authority");
        assertEquals(
                0, run("authority", "init", "--dir", s(gmAuth), "--suite", "gm").code());
        Path key = dir.resolve("gm.key");
        assertEquals(
                0,
                run("authority", "keygen", "--dir", s(gmAuth), "--attrs", "org:hospital-a", "--out", s(key))
                        .code());
        Path env = dir.resolve("gm.msae");
        assertEquals(
                0,
                run(
                                "encrypt",
                                "--params",
                                s(gmAuth.resolve("public.params")),
                                "--policy",
                                "2 of (org:hospital-a, org:hospital-b, org:hospital-a)",
                                "--in",
                                s(plain),
                                "--out",
                                s(env))
                        .code());
        assertEquals(2, Files.readAllBytes(env)[5], "suite id byte = gm");
        Path back = dir.resolve("gm-back");
        assertEquals(
                0,
                run("decrypt", "--key", s(key), "--in", s(env), "--out", s(back))
                        .code());
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(back));
        // a key from another authority cannot open it
        assertEquals(
                1,
                run("decrypt", "--key", s(doctorKey), "--in", s(env), "--out", s(dir.resolve("x2")))
                        .code());
    }

    private static void assertNoLeftovers() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    0,
                    files.filter(p -> p.getFileName().toString().endsWith(".part"))
                            .count());
        }
    }
}
