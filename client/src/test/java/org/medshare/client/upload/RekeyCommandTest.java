package org.medshare.client.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.CliFailure;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.client.testing.TestAuthority;
import org.medshare.ledger.event.AttributeEpoch;

/**
 * {@code medshare records rekey} against the test double: records uploaded under an old epoch are uploaded again
 * under the next one, each replacing its old record; a second run changes nothing; a bundle with no old record, an
 * epoch the consortium has not raised, and usage errors are named with their exit codes.
 */
class RekeyCommandTest {
    static final String OLD = "org:hospital-b@2026Q4 AND dept:cardiology@2026Q4";
    static final String NEXT = "org:hospital-b@2027Q1 AND dept:cardiology@2027Q1";
    static final Path SAMPLES = Path.of("..", "sample-data", "fhir", "hospital-a");

    FakeMedshare fake;

    @TempDir
    Path dir;

    Path config;
    Path bundles;
    Path notUploaded;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeMedshare();
        config = dir.resolve("cfg");
        bundles = dir.resolve("bundles");
        Files.createDirectories(bundles);
        List<Path> samples;
        try (Stream<Path> s = Files.list(SAMPLES)) {
            samples = s.filter(p -> p.toString().endsWith(".json"))
                    .sorted()
                    .limit(3)
                    .toList();
        }
        Files.copy(samples.get(0), bundles.resolve("b0.json"));
        Files.copy(samples.get(1), bundles.resolve("b1.json"));
        notUploaded = dir.resolve("b2.json");
        Files.copy(samples.get(2), notUploaded);
        assertEquals(0, Cli.login(fake, config, "alice").code());
        TestAuthority.writeTrust(config.resolve("authority.trust"));
        assertEquals(
                0,
                Cli.run("pseudonym-key", "create", "--config", config.toString())
                        .code());
        Result upload =
                Cli.run("upload", "--config", config.toString(), "--policy", OLD, "--no-progress", bundles.toString());
        assertEquals(0, upload.code(), upload.toString());
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    Result rekey(String... args) {
        String[] base = {"records", "rekey", "--config", config.toString()};
        String[] all = new String[base.length + args.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(args, 0, all, base.length, args.length);
        return Cli.run(all);
    }

    String recordId(Path bundle, String policy) throws Exception {
        return UploadStatement.recordId(
                "hospital-a", UploadPreparer.idempotencyKey(policy, Files.readAllBytes(bundle)));
    }

    @Test
    void recordsMoveToTheNextEpochOnceAndReplaceTheirOldVersions() throws Exception {
        Result early = rekey("--epoch", "2027Q1", "--policy", OLD, bundles.toString());
        assertEquals(1, early.code(), early.toString());
        assertTrue(early.err().contains("the consortium's current epoch is 2026Q4, not 2027Q1"), early.err());
        assertEquals(2, fake.storedRecords(), "nothing uploaded before the raise");

        fake.currentEpoch("2027Q1");
        Result done = rekey("--epoch", "2027Q1", "--policy", OLD, bundles.toString());
        assertEquals(0, done.code(), done.toString());
        assertTrue(done.out().contains("rekeyed 2 of 2 bundles to 2027Q1"), done.out());
        assertEquals(4, fake.storedRecords());
        for (String name : List.of("b0.json", "b1.json")) {
            Path bundle = bundles.resolve(name);
            String oldId = recordId(bundle, OLD);
            String newId = recordId(bundle, NEXT);
            assertEquals(newId, fake.supersededBy(oldId), name);
            assertNull(fake.supersededBy(newId), name);
            assertTrue(done.out().contains(name + "  " + oldId + " -> " + newId + " under " + NEXT), done.out());
        }

        int posts = fake.uploadPosts.get();
        Result again = rekey("--epoch", "2027Q1", "--policy", OLD, bundles.toString());
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("already replaced by"), again.out());
        assertEquals(posts, fake.uploadPosts.get(), "a second run uploads nothing");

        Result missing = rekey("--epoch", "2027Q1", "--policy", OLD, notUploaded.toString());
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(
                missing.err()
                        .contains("still under 2026Q4 b2.json: no record " + recordId(notUploaded, OLD)
                                + " was uploaded from this file under --policy"),
                missing.err());
        assertEquals(posts, fake.uploadPosts.get());
    }

    @Test
    void aRecordReplacedByAnotherUploadIsNotTakenAsRekeyed() throws Exception {
        fake.currentEpoch("2027Q1");
        Path b1 = bundles.resolve("b1.json");
        String oldId = recordId(b1, OLD);
        String other = "org:hospital-b@2026Q4 AND dept:oncology@2026Q4";
        Result replaced = Cli.run(
                "upload",
                "--config",
                config.toString(),
                "--policy",
                other,
                "--tag",
                "replaces=" + oldId,
                "--no-progress",
                b1.toString());
        assertEquals(0, replaced.code(), replaced.toString());
        String otherId = recordId(b1, other);
        assertEquals(otherId, fake.supersededBy(oldId));

        Result r = rekey("--epoch", "2027Q1", "--policy", OLD, bundles.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().contains("rekeyed 1 of 2 bundles to 2027Q1"), r.out());
        assertTrue(
                r.err()
                        .contains("still under 2026Q4 b1.json: record " + oldId + " was replaced by " + otherId
                                + ", not by this bundle under the next epoch"),
                r.err());
        assertNull(fake.supersededBy(otherId), "the other version is left as it is");
    }

    @Test
    void usageErrorsSendNothing() {
        fake.currentEpoch("2027Q1");
        int posts = fake.uploadPosts.get();
        for (List<String> args : List.of(
                List.of("--epoch", "2027q1", "--policy", OLD),
                List.of("--epoch", "2026Q3", "--policy", OLD),
                List.of("--epoch", "2026Q4", "--policy", OLD),
                List.of("--epoch", "2027Q1", "--policy", "role:physician"),
                List.of("--epoch", "2027Q1", "--policy", "org:hospital-b AND dept:cardiology@2027Q2"),
                List.of("--epoch", "2027Q1", "--policy", "dept:cardiology@2026Q4 OR dept:oncology@2026Q3"),
                List.of("--epoch", "2027Q1", "--policy", "dept:cardiology@2026Q4 AND ("),
                List.of("--epoch", "2027Q1", "--policy", OLD, "--tag", "replaces=x"))) {
            String[] all =
                    Stream.concat(args.stream(), Stream.of(bundles.toString())).toArray(String[]::new);
            Result r = rekey(all);
            assertEquals(2, r.code(), args + ": " + r);
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        assertEquals(
                2,
                rekey("--epoch", "2027Q1", "--policy", OLD, dir.resolve("none").toString())
                        .code());
        assertEquals(posts, fake.uploadPosts.get());
    }

    @Test
    void everyEpochOfThePolicyIsReplaced() {
        AttributeEpoch next = AttributeEpoch.parse("2027Q1");
        RekeyCommand.Rewritten r = RekeyCommand.rewrite(
                "(org:hospital-b@2026Q4 AND dept:cardiology@2026Q4) OR 2 of (role:physician, purpose:care@2026Q4,"
                        + " org:x@2026Q4)",
                next);
        assertEquals(Optional.of(AttributeEpoch.parse("2026Q4")), r.from());
        assertFalse(r.legacy());
        assertEquals(
                "(org:hospital-b@2027Q1 AND dept:cardiology@2027Q1) OR 2 of (role:physician, purpose:care@2027Q1,"
                        + " org:x@2027Q1)",
                r.policy());
        assertNotNull(RekeyCommand.rewrite(OLD, next));
        assertThrows(CliFailure.class, () -> RekeyCommand.rewrite("dept:a@2026Q4 OR dept:b@2026Q3", next));
        assertThrows(CliFailure.class, () -> RekeyCommand.rewrite(NEXT, next), "nothing to move");
    }

    @Test
    void aBareOrganisationAttributeMovesToTheNextEpoch() {
        AttributeEpoch next = AttributeEpoch.parse("2027Q1");
        RekeyCommand.Rewritten withDepartment = RekeyCommand.rewrite("org:hospital-b AND dept:cardiology@2026Q4", next);
        assertEquals("org:hospital-b@2027Q1 AND dept:cardiology@2027Q1", withDepartment.policy());
        assertEquals("2026Q4", withDepartment.under());
        assertTrue(withDepartment.legacy());
        RekeyCommand.Rewritten organisationsOnly = RekeyCommand.rewrite("org:hospital-a OR org:hospital-b", next);
        assertEquals("org:hospital-a@2027Q1 OR org:hospital-b@2027Q1", organisationsOnly.policy());
        assertEquals(Optional.empty(), organisationsOnly.from());
        assertEquals(
                "org:hospital-b@2027Q1 AND dept:cardiology@2027Q1",
                RekeyCommand.rewrite("org:hospital-b AND dept:cardiology@2027Q1", next)
                        .policy(),
                "a legacy policy already naming the current epoch moves its organisation attributes only");
    }

    @Test
    void legacyRecordsMoveToTheCurrentEpochWithoutARaise() throws Exception {
        String legacy = "org:hospital-b AND role:physician";
        Path legacyBundles = dir.resolve("legacy");
        Files.createDirectories(legacyBundles);
        Files.copy(notUploaded, legacyBundles.resolve("l.json"));
        Result upload = Cli.run(
                "upload", "--config", config.toString(), "--policy", legacy, "--no-progress", legacyBundles.toString());
        assertEquals(0, upload.code(), upload.toString());
        String oldId = recordId(legacyBundles.resolve("l.json"), legacy);
        Result r = rekey("--epoch", "2026Q4", "--policy", legacy, legacyBundles.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(
                recordId(legacyBundles.resolve("l.json"), "org:hospital-b@2026Q4 AND role:physician"),
                fake.supersededBy(oldId));
    }
}
