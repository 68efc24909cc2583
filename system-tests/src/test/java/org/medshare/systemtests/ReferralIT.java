package org.medshare.systemtests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A referral across hospitals with the packaged service, the real Keycloak and the packaged command line, each user
 * with its own configuration: hospital-b uploads a record shared with the consortium's cardiologists and permits its
 * patient's consent for treatment at hospital-a; alice (hospital-a, cardiology) finds it by the patient's identifier,
 * fetches it, checks it and opens it; arthur (hospital-a, oncology) is refused before any byte; bob sees alice's
 * access; once the patient's consent denies hospital-a, alice is refused too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferralIT {
    static final Path SAMPLES = Path.of(System.getProperty("medshare.samples", "../sample-data"));
    static final Path WORK = Path.of(System.getProperty("medshare.work", "target/system"));
    static final String POLICY = "org:hospital-b@2026Q4 OR (dept:cardiology@2026Q4 AND role:physician)";

    PackagedService service;
    Path run;
    Path pseudonymKey;
    Parties parties;
    Path bundle;
    String patient;

    @BeforeAll
    void start() throws Exception {
        run = WORK.resolve("referral-" + System.currentTimeMillis());
        Files.createDirectories(run);
        pseudonymKey = run.resolve("consortium-pseudonym.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.write(pseudonymKey, key);
        try (var files = Files.list(SAMPLES.resolve("fhir").resolve("hospital-b"))) {
            bundle = files.filter(p -> p.getFileName().toString().startsWith("patient-"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        String name = bundle.getFileName().toString();
        patient = "https://github.com/synthetichealth/synthea|"
                + name.substring("patient-".length(), name.length() - ".json".length());
        parties = Parties.create(run.resolve("parties"));
        service = new PackagedService(
                Path.of(System.getProperty("medshare.runner")),
                run.resolve("data"),
                PackagedService.freePort(),
                parties.file());
        service.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    Cli cli(String user) throws Exception {
        return Cli.loggedIn(
                Path.of(System.getProperty("medshare.cli")), run.resolve("cli-" + user), service.url(), user);
    }

    Path userKey(String user) throws Exception {
        Path key = run.resolve(user + ".key");
        Cli.Result issued = cli(user)
                .run(
                        null,
                        "authority",
                        "key",
                        "--out",
                        key.toString(),
                        "--authority-trust",
                        service.dataDir().resolve("enclave/authority.trust").toString(),
                        "--grant-key",
                        parties.grantKey("hospital-a").toString());
        assertEquals(0, issued.exit(), issued.toString());
        return key;
    }

    Cli.Result get(String user, String record, Path key, Path out) throws Exception {
        return cli(user)
                .run(
                        null,
                        "records",
                        "get",
                        record,
                        "--key",
                        key.toString(),
                        "--purpose",
                        "TREAT",
                        "--out",
                        out.toString());
    }

    @Test
    void aCardiologistElsewhereOpensTheSharedRecordOthersAreRefusedBeforeAnyByteAndTheOwnerSeesTheAccess()
            throws Exception {
        Cli bob = cli("bob");
        Cli.Result uploaded = bob.run(
                null,
                "upload",
                "--no-progress",
                "--pseudonym-key",
                pseudonymKey.toString(),
                "--authority-trust",
                service.dataDir().resolve("enclave/authority.trust").toString(),
                "--policy",
                POLICY,
                bundle.toString());
        assertEquals(0, uploaded.exit(), uploaded.toString());
        Matcher m = Pattern.compile("record (\\S+),").matcher(uploaded.out());
        assertTrue(m.find(), uploaded.out());
        String record = m.group(1);

        // without a consent that permits it, another organisation gets nothing
        Path aliceKey = userKey("alice");
        Path opened = run.resolve("opened.json");
        Cli.Result notGranted = get("alice", record, aliceKey, opened);
        assertEquals(1, notGranted.exit(), notGranted.toString());
        assertTrue(notGranted.err().contains("Consent does not permit"), notGranted.err());
        assertFalse(Files.exists(opened));

        Cli.Result permitted = bob.run(
                null,
                "consent",
                "permit",
                "--patient",
                patient,
                "--pseudonym-key",
                pseudonymKey.toString(),
                "--purpose",
                "TREAT",
                "--to",
                "hospital-a");
        assertEquals(0, permitted.exit(), permitted.toString());
        assertTrue(permitted.out().contains("\"hospital-a\""), permitted.out());

        Cli.Result found = cli("alice")
                .run(null, "records", "search", "--patient", patient, "--pseudonym-key", pseudonymKey.toString());
        assertEquals(0, found.exit(), found.toString());
        assertTrue(found.out().contains(record + "  hospital-b"), found.out());

        Cli.Result ok = get("alice", record, aliceKey, opened);
        assertEquals(0, ok.exit(), ok.toString());
        assertArrayEquals(Files.readAllBytes(bundle), Files.readAllBytes(opened));
        assertTrue(ok.out().startsWith("OK: record " + record + " of hospital-b"), ok.out());

        Path arthurKey = userKey("arthur");
        Path arthurOut = run.resolve("arthur.json");
        Cli.Result refused = get("arthur", record, arthurKey, arthurOut);
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("Policy not satisfied"), refused.err());
        assertFalse(Files.exists(arthurOut));
        Cli.Result nothingForArthur = cli("arthur")
                .run(null, "records", "search", "--patient", patient, "--pseudonym-key", pseudonymKey.toString());
        assertEquals(0, nothingForArthur.exit(), nothingForArthur.toString());
        assertTrue(nothingForArthur.out().contains("0 record(s)"), nothingForArthur.out());

        Cli.Result access = bob.run(null, "records", "access");
        assertEquals(0, access.exit(), access.toString());
        assertTrue(access.out().contains(record), access.out());
        assertTrue(access.out().contains("hospital-a:"), access.out());
        assertTrue(access.out().contains("TREAT"), access.out());
        assertTrue(access.out().contains("1 release(s)"), access.out());

        Cli.Result denied = bob.run(
                null,
                "consent",
                "deny",
                "--patient",
                patient,
                "--pseudonym-key",
                pseudonymKey.toString(),
                "--to",
                "hospital-a");
        assertEquals(0, denied.exit(), denied.toString());
        Files.delete(opened);
        Cli.Result afterDeny = get("alice", record, aliceKey, opened);
        assertEquals(1, afterDeny.exit(), afterDeny.toString());
        assertTrue(afterDeny.err().contains("Consent denies"), afterDeny.err());
        assertFalse(Files.exists(opened));
    }
}
