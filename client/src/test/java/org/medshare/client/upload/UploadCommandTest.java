package org.medshare.client.upload;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.client.testing.TestAuthority;

/**
 * {@code medshare upload} against the CLI-contract test double (which verifies signatures, policies and
 * the rows' binding like the service): counts, resumability without duplicates, refusals, exit codes and
 * files left behind. Uses four of the synthetic sample bundles.
 */
class UploadCommandTest {
    static final String POLICY = "org:hospital-a@2026Q4 AND role:physician";
    static final Path SAMPLES = Path.of("..", "sample-data", "fhir", "hospital-a");

    FakeMedshare fake;

    @TempDir
    Path dir;

    Path config;
    Path bundles;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeMedshare();
        config = dir.resolve("cfg");
        bundles = dir.resolve("bundles");
        Files.createDirectories(bundles.resolve("sub"));
        List<Path> samples;
        try (Stream<Path> s = Files.list(SAMPLES)) {
            samples = s.filter(p -> p.toString().endsWith(".json"))
                    .sorted()
                    .limit(4)
                    .toList();
        }
        assertEquals(4, samples.size(), "sample bundles missing under " + SAMPLES.toAbsolutePath());
        for (int i = 0; i < samples.size(); i++) {
            Files.copy(samples.get(i), (i == 3 ? bundles.resolve("sub") : bundles).resolve("b" + i + ".json"));
        }
        Result login = Cli.login(fake, config, "alice");
        assertEquals(0, login.code(), login.toString());
        TestAuthority.writeTrust(config.resolve("authority.trust"));
        Result key = Cli.run("pseudonym-key", "create", "--config", config.toString());
        assertEquals(0, key.code(), key.toString());
    }

    /** The summary line: the last line of stdout. */
    static String summary(Result r) {
        String[] lines = r.out().split("\n");
        return lines[lines.length - 1];
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    Result upload(String... extra) {
        String[] base = {"upload", "--config", config.toString(), "--policy", POLICY, "--no-progress"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    List<Path> spoolFiles() throws Exception {
        Path spool = config.resolve("spool").resolve("hospital-a");
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(spool)) {
            return s.toList();
        }
    }

    @Test
    void uploadsAFolderThenASecondRunUploadsNothingNew() throws Exception {
        Result first = upload("--tag", "year=2025", bundles.toString());
        assertEquals(0, first.code(), first.toString());
        assertTrue(
                summary(first).startsWith("uploaded 4, already uploaded 0, refused 0, not confirmed 0 of 4 bundles"),
                first.out());
        assertTrue(
                summary(first)
                        .contains(
                                "; 0 stored without analytics rows, 0 rows skipped, 0 FHIR warnings; client encryption"),
                first.out());
        assertTrue(first.out().startsWith("uploading 4 bundle files as hospital-a"), first.out());
        for (int i = 0; i < 4; i++) {
            assertTrue(
                    first.out().matches("(?s).*\nuploaded b" + i + "\\.json: record \\S+, \\d+ analytics rows\n.*"),
                    first.out());
        }
        assertEquals(4, fake.storedRecords());
        assertEquals(4, fake.uploadPosts.get());
        assertEquals(List.of(), spoolFiles());
        Path keyDir = config.resolve("keys").resolve("hospital-a");
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(keyDir.resolve(HospitalKeys.SIGNING_KEY))));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(config.resolve(HospitalKeys.PSEUDONYM_KEY))));
        assertEquals("", first.err());

        Result second = upload("--tag", "year=2025", bundles.toString());
        assertEquals(0, second.code(), second.toString());
        assertTrue(
                summary(second).startsWith("uploaded 0, already uploaded 4, refused 0, not confirmed 0 of 4 bundles"),
                second.out());
        assertTrue(second.out().contains("\nalready uploaded b2.json: record "), second.out());
        assertEquals(4, fake.uploadPosts.get(), "the second run sent no upload");
        assertEquals(4, fake.storedRecords());
        assertEquals("", second.err());
    }

    @Test
    void anUploadWhoseAnswerWasLostIsResumedFromTheSpoolWithoutDuplicate() throws Exception {
        fake.loseAnswers.set(1);
        Result first = upload("--concurrency", "1", bundles.toString());
        assertEquals(1, first.code(), first.toString());
        assertTrue(
                summary(first).startsWith("uploaded 3, already uploaded 0, refused 0, not confirmed 1 of 4"),
                first.out());
        assertTrue(first.err().contains("not confirmed b0.json: HTTP 500"), first.err());
        assertTrue(first.err().contains("run the same command again to resume"), first.err());
        assertEquals(4, fake.storedRecords(), "the service stored it; only the answer was lost");
        assertEquals(1, spoolFiles().size(), "the sent bytes are kept for the retry");

        Result second = upload(bundles.toString());
        assertEquals(0, second.code(), second.toString());
        assertTrue(
                summary(second).startsWith("uploaded 0, already uploaded 4, refused 0, not confirmed 0 of 4"),
                second.out());
        assertEquals(4, fake.storedRecords(), "no duplicate");
        assertEquals(5, fake.uploadPosts.get(), "exactly one resend, of the identical statement (replayed)");
        assertEquals(List.of(), spoolFiles());
    }

    @Test
    void refusalsAreCountedWithTheirReasonsAndExitOne() throws Exception {
        byte[] refused = Files.readAllBytes(bundles.resolve("b1.json"));
        String refusedKey = RecordUploader.idempotencyKey(POLICY, refused);
        fake.refuse = s -> s.idempotencyKey().equals(refusedKey);
        Files.writeString(bundles.resolve("notes.json"), "{\"resourceType\":\"Patient\",\"id\":\"x\"}");
        Result r = upload(bundles.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(
                summary(r).startsWith("uploaded 3, already uploaded 0, refused 2, not confirmed 0 of 5 bundles"),
                r.out());
        assertTrue(
                r.err()
                        .contains("refused b1.json: Policy not allowed: hospital-a may not set policy " + POLICY
                                + ". (HTTP 403)"),
                r.err());
        assertTrue(
                r.err()
                        .contains("refused notes.json: a FHIR Patient resource, not a Bundle: put it in a Bundle "
                                + "(e.g. of type collection) to upload it"),
                r.err());
        assertTrue(r.err().endsWith("medshare: 2 of 5 bundles were not uploaded (see above)\n"), r.err());
        assertEquals(3, fake.storedRecords());
        assertEquals(List.of(), spoolFiles(), "a refused upload is not kept for retry");
    }

    @Test
    void sameBundleUnderAnotherPolicyIsAnotherRecord() {
        assertEquals(0, upload(bundles.resolve("b0.json").toString()).code());
        Result other = Cli.run(
                "upload",
                "--config",
                config.toString(),
                "--policy",
                "org:hospital-a@2026Q4 AND role:auditor",
                "--no-progress",
                bundles.resolve("b0.json").toString());
        assertEquals(0, other.code(), other.toString());
        assertTrue(summary(other).startsWith("uploaded 1, already uploaded 0"), other.out());
        assertEquals(2, fake.storedRecords());
    }

    @Test
    void usageErrorsExitTwoAndSendNothing() {
        assertEquals(
                2,
                Cli.run("upload", "--config", config.toString(), "--policy", "org:a AND (", bundles.toString())
                        .code());
        assertEquals(2, upload(dir.resolve("missing").toString()).code());
        assertEquals(2, upload("--tag", "novalue", bundles.toString()).code());
        assertEquals(2, upload("--tag", "Bad Name=x", bundles.toString()).code());
        assertEquals(2, upload("--concurrency", "0", bundles.toString()).code());
        assertEquals(
                2,
                upload("--pseudonym-key", dir.resolve("nokey").toString(), bundles.toString())
                        .code());
        assertEquals(0, fake.uploadPosts.get());
    }

    @Test
    void aServiceWithoutHospitalNumberOrANonHospitalCallerIsRefused() {
        fake.giveHospitalNumber = false;
        Result r = upload(bundles.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("carries no hospitalNumber"), r.err());
        fake.giveHospitalNumber = true;

        Path insurer = dir.resolve("insurer");
        assertEquals(0, Cli.login(fake, insurer, "irene").code());
        Result forbidden = Cli.run(
                "upload",
                "--config",
                insurer.toString(),
                "--policy",
                POLICY,
                "--pseudonym-key",
                config.resolve(HospitalKeys.PSEUDONYM_KEY).toString(),
                bundles.toString());
        assertEquals(1, forbidden.code());
        assertEquals("medshare: Forbidden: This endpoint is for hospital. (HTTP 403)\n", forbidden.err());
        assertEquals(0, fake.uploadPosts.get());
    }

    @Test
    void idempotencyKeyDependsOnPolicyAndBytesAndFitsTheServiceSyntax() {
        String k = RecordUploader.idempotencyKey("p", new byte[] {1, 2});
        assertTrue(k.matches("[A-Za-z0-9_.:-]{1,128}"), k);
        assertEquals(k, RecordUploader.idempotencyKey("p", new byte[] {1, 2}));
        assertNotEquals(k, RecordUploader.idempotencyKey("q", new byte[] {1, 2}));
        assertNotEquals(k, RecordUploader.idempotencyKey("p", new byte[] {1, 3}));
    }

    @Test
    void publicParametersMayComeFromAFile() throws Exception {
        Path params = dir.resolve("public.params");
        Files.write(params, fake.params.toBytes());
        Result ok =
                upload("--params", params.toString(), bundles.resolve("b0.json").toString());
        assertEquals(0, ok.code(), ok.toString());
        assertEquals(1, fake.storedRecords());
        Files.writeString(params, "not parameters");
        Result bad =
                upload("--params", params.toString(), bundles.resolve("b1.json").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("medshare: " + params + ": public parameters do not parse"), bad.err());
        assertEquals(
                2,
                upload(
                                "--params",
                                dir.resolve("none").toString(),
                                bundles.resolve("b1.json").toString())
                        .code());
        assertEquals(1, fake.storedRecords());
    }

    @Test
    void fetchedParametersAreUsedOnlyIfTheAuthorityVouchesForThem() throws Exception {
        fake.substituteParameters = true;
        Result substituted = upload(bundles.resolve("b0.json").toString());
        assertEquals(1, substituted.code(), substituted.toString());
        assertTrue(
                substituted.err().contains("medshare: the public parameters are not vouched for by the key authority"),
                substituted.err());
        fake.substituteParameters = false;

        Files.delete(config.resolve("authority.trust"));
        Result untrusted = upload(bundles.resolve("b0.json").toString());
        assertEquals(1, untrusted.code(), untrusted.toString());
        assertTrue(
                untrusted.err().contains("medshare: cannot verify the key authority: no trust anchor"),
                untrusted.err());

        Path otherRoot = dir.resolve("other.trust");
        String genuine = TestAuthority.enclaves().authorityTrust().format();
        Files.writeString(otherRoot, genuine.replaceFirst("S:[0-9a-f]{64}", "S:" + "ab".repeat(32)));
        Result wrongSigner = upload(
                "--authority-trust",
                otherRoot.toString(),
                bundles.resolve("b0.json").toString());
        assertEquals(1, wrongSigner.code(), wrongSigner.toString());
        assertTrue(
                wrongSigner.err().contains("medshare: the key authority's attestation is not accepted"),
                wrongSigner.err());
        assertEquals(0, fake.storedRecords(), "nothing was encrypted under unverified parameters");
        assertEquals(List.of(), spoolFiles());

        Result verified = upload(
                "--authority-trust",
                dir.resolve("verified.trust").toString(),
                bundles.resolve("b0.json").toString());
        assertEquals(1, verified.code(), "a missing explicit trust file is refused too");
        TestAuthority.writeTrust(dir.resolve("verified.trust"));
        verified = upload(
                "--authority-trust",
                dir.resolve("verified.trust").toString(),
                bundles.resolve("b0.json").toString());
        assertEquals(0, verified.code(), verified.toString());
        assertEquals(1, fake.storedRecords());
    }
}
