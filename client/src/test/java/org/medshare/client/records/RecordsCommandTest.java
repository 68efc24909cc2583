package org.medshare.client.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.client.testing.LoggedEntries;
import org.medshare.client.testing.TestAuthority;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.verify.TrustedKeys;

/**
 * {@code medshare records search | get | access} against the CLI-contract test double: a record uploaded with the
 * command line is found by the patient's identifier, fetched, checked and opened; a changed envelope, a signature that
 * is not the hospital's, a pinned key the service contradicts and a key whose attributes do not satisfy the policy
 * each end in exit 1 with no output file; bad arguments end in exit 2 before anything is asked.
 */
class RecordsCommandTest {
    static final String PATIENT = "035a4194-9f58-6386-32cd-ee5c7d62108a";
    static final Path BUNDLE = Path.of("..", "sample-data", "fhir", "hospital-a", "patient-" + PATIENT + ".json");

    FakeMedshare fake;

    @TempDir
    Path dir;

    Path config;
    Path key;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeMedshare();
        config = dir.resolve("cfg");
        assertEquals(0, Cli.login(fake, config, "alice").code());
        TestAuthority.writeTrust(config.resolve("authority.trust"));
        assertEquals(
                0,
                Cli.run("pseudonym-key", "create", "--config", config.toString())
                        .code());
        key = dir.resolve("alice.key");
        Path grantKey =
                TestAuthority.writeKey(TestAuthority.grantKey("hospital-a"), dir.resolve("hospital-a-grants.key"));
        Result issued = Cli.run(
                "authority",
                "key",
                "--config",
                config.toString(),
                "--out",
                key.toString(),
                "--grant-key",
                grantKey.toString());
        assertEquals(0, issued.code(), issued.toString());
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    String upload(String policy, Path bundle) {
        Result r = Cli.run(
                "upload", "--config", config.toString(), "--policy", policy, "--no-progress", bundle.toString());
        assertEquals(0, r.code(), r.toString());
        Matcher m = Pattern.compile("record (\\S+),").matcher(r.out());
        assertTrue(m.find(), r.out());
        return m.group(1);
    }

    /** A sample bundle of another patient. */
    Path anotherBundle() throws Exception {
        try (var files = Files.list(BUNDLE.getParent())) {
            return files.filter(p -> p.toString().endsWith(".json") && !p.equals(BUNDLE))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
    }

    Result search() {
        return Cli.run(
                "records",
                "search",
                "--config",
                config.toString(),
                "--patient",
                "https://github.com/synthetichealth/synthea|" + PATIENT);
    }

    Result get(String record, Path out, String... extra) {
        String[] base = {
            "records",
            "get",
            record,
            "--config",
            config.toString(),
            "--key",
            key.toString(),
            "--purpose",
            "TREAT",
            "--out",
            out.toString()
        };
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void aRecordIsFoundByThePatientsIdentifierFetchedCheckedAndOpenedAndTheReleaseIsListed() throws Exception {
        String record = upload("org:hospital-a@2026Q4 AND dept:cardiology@2026Q4", BUNDLE);

        Result found = search();
        assertEquals(0, found.code(), found.toString());
        assertTrue(found.out().contains(record + "  hospital-a"), found.out());
        assertTrue(found.out().contains("1 record(s) of patient "), found.out());
        Result other = Cli.run("records", "search", "--config", config.toString(), "--patient", "urn:x|nobody");
        assertEquals(0, other.code(), other.toString());
        assertTrue(other.out().contains("0 record(s)"), other.out());

        Path out = dir.resolve("opened.json");
        Result opened = get(record, out);
        assertEquals(0, opened.code(), opened.toString());
        assertArrayEquals(Files.readAllBytes(BUNDLE), Files.readAllBytes(out));
        assertTrue(opened.out().startsWith("OK: record " + record + " of hospital-a"), opened.out());
        assertTrue(opened.out().contains("as the service holds it (pin it with --signer-key)"), opened.out());

        Path pinnedOut = dir.resolve("pinned.json");
        Path pub = config.resolve("keys").resolve("hospital-a").resolve("signing.pub");
        Result pinned = get(record, pinnedOut, "--signer-key", pub.toString());
        assertEquals(0, pinned.code(), pinned.toString());
        assertTrue(pinned.out().contains("the key you pinned"), pinned.out());

        Result access = Cli.run("records", "access", "--config", config.toString());
        assertEquals(0, access.code(), access.toString());
        assertTrue(access.out().contains(record), access.out());
        assertTrue(access.out().contains("TREAT"), access.out());
        assertTrue(access.out().contains("2 release(s)"), access.out());
    }

    /**
     * With the ledger members' keys, each listed release is checked against its ACCESS event and that event's
     * inclusion proof under a signed checkpoint: a genuine proof passes; a checkpoint signed by another key, or the
     * ACCESS event of another record, ends in exit 1; a quorum the keys cannot reach is a usage error.
     */
    @Test
    void eachReleaseIsProvedInTheLedgerWithTheMembersOwnKeys() throws Exception {
        String record = upload("org:hospital-a@2026Q4 AND dept:cardiology@2026Q4", BUNDLE);
        assertEquals(0, get(record, dir.resolve("opened.json")).code());
        JsonNode release = new ObjectMapper()
                .readTree(Cli.run("records", "access", "--config", config.toString(), "--json")
                        .out())
                .get(0);
        long index = release.get("ledgerIndex").asLong();

        CheckpointSigner member = LedgerSuite.NIST.generateSigner("node-1.test");
        Path keys = dir.resolve("members.keys");
        TrustedKeys.write(keys, List.of(member.verifier()));
        CheckpointSigner stranger = LedgerSuite.NIST.generateSigner("node-1.test");
        Path strangerKeys = dir.resolve("stranger.keys");
        TrustedKeys.write(strangerKeys, List.of(stranger.verifier()));
        ObjectNode genuine =
                accessProof(member, index, record, release.get("clinician").asText());
        fake.serveAccessProof(index, genuine);

        Result proved = Cli.run("records", "access", "--config", config.toString(), "--keys", keys.toString());
        assertEquals(0, proved.code(), proved.toString());
        assertTrue(
                proved.out().contains("ledger #" + index + "  proved under checkpoint of size " + (index + 1)),
                proved.out());
        assertTrue(proved.out().contains("each ACCESS event proved in the ledger"), proved.out());

        Result untrusted =
                Cli.run("records", "access", "--config", config.toString(), "--keys", strangerKeys.toString());
        assertEquals(1, untrusted.code(), untrusted.toString());
        assertTrue(
                untrusted.err().contains("the release at ledger #" + index + " does not verify: not included"),
                untrusted.err());

        fake.serveAccessProof(
                index,
                accessProof(
                        member,
                        index,
                        "another-record",
                        release.get("clinician").asText()));
        Result swapped = Cli.run("records", "access", "--config", config.toString(), "--keys", keys.toString());
        assertEquals(1, swapped.code(), swapped.toString());
        assertTrue(swapped.err().contains("is not this release's ACCESS event"), swapped.err());

        Result quorum =
                Cli.run("records", "access", "--config", config.toString(), "--keys", keys.toString(), "--quorum", "2");
        assertEquals(2, quorum.code(), quorum.toString());
    }

    /** A ledger signed by {@code member} whose entry {@code index} is the ACCESS event of a TREAT release. */
    ObjectNode accessProof(CheckpointSigner member, long index, String record, String clinician) throws Exception {
        Path ledger = Files.createTempDirectory(dir, "ledger");
        try (AuditLog log = AuditLog.open(
                ledger,
                AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", member)
                        .build())) {
            for (long i = 0; i < index; i++) {
                log.append(Event.upload(i, "hospital-a", "filler-" + i, new byte[32], new byte[32]));
            }
            log.append(Event.builder(EventType.ACCESS)
                    .timestamp(index)
                    .id(Field.ACTOR, clinician)
                    .id(Field.RECORD_ID, record)
                    .id(Field.PURPOSE, "TREAT:consent-v1")
                    .build());
            SignedCheckpoint checkpoint = log.checkpointNow();
            ObjectNode proof = new ObjectMapper().createObjectNode();
            proof.set("entry", LoggedEntries.entry(log, index));
            proof.set("receipt", LoggedEntries.receipt(log, index, checkpoint));
            return proof;
        }
    }

    @Test
    void aChangedEnvelopeAForgedSignatureOrAContradictedPinEndsInExitOneAndNoFile() throws Exception {
        String record = upload("org:hospital-a@2026Q4 AND dept:cardiology@2026Q4", BUNDLE);
        Path out = dir.resolve("out.json");

        fake.tamperEnvelope = true;
        Result tampered = get(record, out);
        assertEquals(1, tampered.code(), tampered.toString());
        assertTrue(tampered.err().contains("the envelope received is not the record's"), tampered.err());
        assertFalse(Files.exists(out));
        fake.tamperEnvelope = false;

        upload("org:hospital-a@2026Q4 AND dept:oncology@2026Q4", anotherBundle());
        fake.forgeSignature = true;
        Result forged = get(record, out);
        assertEquals(1, forged.code(), forged.toString());
        assertTrue(forged.err().contains("upload signature does not cover this envelope"), forged.err());
        assertFalse(Files.exists(out));
        fake.forgeSignature = false;

        Path stranger = dir.resolve("stranger.pub");
        Files.write(
                stranger,
                org.medshare.abe.sign.SigningKeys.generate(org.medshare.abe.Suite.NIST)
                        .getPublic()
                        .getEncoded());
        Result contradicted = get(record, out, "--signer-key", stranger.toString());
        assertEquals(1, contradicted.code(), contradicted.toString());
        assertTrue(contradicted.err().contains("another signing key"), contradicted.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aKeyThatDoesNotSatisfyThePolicyOpensNothing() throws Exception {
        String record = upload("org:hospital-a@2026Q4 AND dept:oncology@2026Q4", BUNDLE);
        Path out = dir.resolve("out.json");
        Result refused = get(record, out);
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("do not satisfy its policy"), refused.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void badArgumentsAreUsageErrorsBeforeTheServiceIsAsked() throws Exception {
        String record = upload("org:hospital-a@2026Q4 AND dept:cardiology@2026Q4", BUNDLE);
        Path out = dir.resolve("out.json");
        int before = fake.ciphertextRequests.get();
        for (Result r : new Result[] {
            Cli.run(
                    "records",
                    "get",
                    record,
                    "--config",
                    config.toString(),
                    "--key",
                    key.toString(),
                    "--purpose",
                    "treat",
                    "--out",
                    out.toString()),
            Cli.run(
                    "records",
                    "get",
                    "../etc",
                    "--config",
                    config.toString(),
                    "--key",
                    key.toString(),
                    "--purpose",
                    "TREAT",
                    "--out",
                    out.toString()),
            Cli.run(
                    "records",
                    "get",
                    record,
                    "--config",
                    config.toString(),
                    "--key",
                    key.toString(),
                    "--purpose",
                    "TREAT",
                    "--out",
                    dir.resolve("missing").resolve("out.json").toString()),
            Cli.run(
                    "records",
                    "get",
                    record,
                    "--config",
                    config.toString(),
                    "--key",
                    dir.resolve("none").toString(),
                    "--purpose",
                    "TREAT",
                    "--out",
                    out.toString()),
            Cli.run("records", "search", "--config", config.toString(), "--patient-ref", "XYZ"),
            Cli.run("records", "search", "--config", config.toString()),
            Cli.run("records", "access", "--config", config.toString(), "--max", "0"),
            Cli.run("records", "--config", config.toString())
        }) {
            assertEquals(2, r.code(), r.toString());
            assertFalse(r.err().isBlank(), r.toString());
        }
        assertEquals(before, fake.ciphertextRequests.get());
        assertFalse(Files.exists(out));
    }
}
