package org.medshare.client.login;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;

/** {@code medshare login} and the session every other command uses, against the CLI-contract test double. */
class LoginCommandTest {
    static FakeMedshare fake;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        fake = new FakeMedshare();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    Result login(Path config, String user, String password) {
        return Cli.login(fake, config, user, password);
    }

    @Test
    void passwordLoginStoresAnOwnerOnlySessionAndPrintsNoToken() throws Exception {
        Path config = dir.resolve("cfg");
        Result r = login(config, "alice", "alice-password");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("logged in as alice of hospital-a"), r.toString());
        Path session = config.resolve(Session.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(session)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        String stored = Files.readString(session);
        assertTrue(stored.contains("access-"), "the session holds the token");
        assertFalse(r.out().contains("access-") || r.err().contains("access-"), "a token was printed");
        assertFalse(stored.contains("alice-password"), "the password was stored");
        try (Stream<Path> files = Files.list(config)) {
            assertEquals(1, files.count(), "only the session file is left");
        }
    }

    @Test
    void wrongPasswordIsRefusedWithTheProvidersReasonAndLeavesNoSession() {
        Path config = dir.resolve("cfg");
        Result r = login(config, "alice", "wrong");
        assertEquals(1, r.code(), r.toString());
        assertEquals("medshare: login refused: invalid_grant: Invalid user credentials\n", r.err());
        assertFalse(Files.exists(config.resolve(Session.FILE)));
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Path config = dir.resolve("cfg");
        assertEquals(
                2,
                Cli.run("login", "--issuer", fake.issuer().toString(), "--config", config.toString())
                        .code());
        assertEquals(
                2,
                Cli.run(
                                "login",
                                "--issuer",
                                fake.issuer().toString(),
                                "--user",
                                "a",
                                "--client-id",
                                "b",
                                "--config",
                                config.toString())
                        .code());
        assertEquals(
                2,
                Cli.run(
                                "login",
                                "--issuer",
                                fake.issuer().toString(),
                                "--client-id",
                                "hospital-a-system",
                                "--config",
                                config.toString())
                        .code());
        assertEquals(
                2,
                Cli.run("login", "--issuer", "ftp://x", "--user", "alice", "--password-stdin")
                        .code());
        int tokenRequestsBefore = fake.tokenRequests.get();
        Result clearText = Cli.runWithStdin(
                "alice-password\n",
                "login",
                "--issuer",
                "http://keycloak.example.org/realms/medshare",
                "--user",
                "alice",
                "--password-stdin",
                "--config",
                config.toString());
        assertEquals(2, clearText.code(), clearText.toString());
        assertTrue(clearText.err().contains("refusing plain http to keycloak.example.org"), clearText.err());
        assertEquals(0, fake.tokenRequests.get() - tokenRequestsBefore, "no password left the machine");
        Files.createDirectories(config);
        Files.writeString(config.resolve("token"), "abc");
        Result clearServer = Cli.run(
                "audit",
                "export",
                "--out",
                config.resolve("x").toString(),
                "--server",
                "http://10.0.0.8:8080",
                "--token-file",
                config.resolve("token").toString());
        assertEquals(2, clearServer.code(), clearServer.toString());
        assertTrue(clearServer.err().contains("refusing plain http to 10.0.0.8"), clearServer.err());
        Result noInput = Cli.runWithStdin(
                "",
                "login",
                "--issuer",
                fake.issuer().toString(),
                "--user",
                "alice",
                "--password-stdin",
                "--config",
                config.toString());
        assertEquals(2, noInput.code(), noInput.toString());
    }

    @Test
    void commandsWithoutASessionAreUsageErrors() {
        Result r = Cli.run(
                "query",
                "status",
                "q-1",
                "--config",
                dir.resolve("none").toString(),
                "--server",
                fake.base().toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("not logged in"), r.err());
    }

    @Test
    void serviceAccountLoginUsesTheSecretFileAndRenewsWithIt() throws Exception {
        Path config = dir.resolve("cfg");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "hospital-a-system-secret\n");
        fake.accessLifetime = 5;
        try {
            Result r = Cli.run(
                    "login",
                    "--issuer",
                    fake.issuer().toString(),
                    "--server",
                    fake.base().toString(),
                    "--client-id",
                    "hospital-a-system",
                    "--client-secret-file",
                    secret.toString(),
                    "--config",
                    config.toString());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("of hospital-a"), r.out());
            assertFalse(Files.readString(config.resolve(Session.FILE)).contains("hospital-a-system-secret"));
            int before = fake.tokenRequests.get();
            Result q = Cli.run("query", "status", "q-404", "--config", config.toString());
            assertEquals(1, q.code(), q.toString());
            assertEquals(before + 1, fake.tokenRequests.get(), "an expiring token is renewed by client credentials");
        } finally {
            fake.accessLifetime = 300;
        }
    }

    @Test
    void anExpiringTokenIsRefreshedAndTheNewOneSaved() throws Exception {
        Path config = dir.resolve("cfg");
        fake.accessLifetime = 5;
        try {
            assertEquals(0, login(config, "irene", "irene-password").code());
            String first = Files.readString(config.resolve(Session.FILE));
            int before = fake.tokenRequests.get();
            Result r = Cli.run("query", "list", "--config", config.toString());
            assertEquals(1, r.code(), "the double has no list endpoint: " + r);
            assertEquals(before + 1, fake.tokenRequests.get());
            assertNotEquals(first, Files.readString(config.resolve(Session.FILE)));
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve(Session.FILE))));
        } finally {
            fake.accessLifetime = 300;
        }
    }

    @Test
    void aBareTokenFileWorksAndServerRefusalsAreOneLineExitOne() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, fake.tokenFor("irene") + "\n");
        Result ok = Cli.run(
                "query",
                "status",
                "q-none",
                "--token-file",
                token.toString(),
                "--server",
                fake.base().toString());
        assertEquals(1, ok.code());
        assertEquals("medshare: Not found: Query q-none does not exist. (HTTP 404)\n", ok.err());
        Files.writeString(token, "not-a-known-token");
        Result unauth = Cli.run(
                "query",
                "status",
                "q-none",
                "--token-file",
                token.toString(),
                "--server",
                fake.base().toString());
        assertEquals(1, unauth.code());
        assertTrue(unauth.err().contains("HTTP 401"), unauth.err());
        Result noServer = Cli.run("query", "status", "q-none", "--token-file", token.toString());
        assertEquals(2, noServer.code());
    }

    @Test
    void anUnreachableServerIsOneLineExitOne() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "abc");
        Result r =
                Cli.run("query", "status", "q-1", "--token-file", token.toString(), "--server", "http://127.0.0.1:1");
        assertEquals(1, r.code());
        assertEquals("medshare: cannot connect to http://127.0.0.1:1\n", r.err());
    }

    @Test
    void deviceLoginShowsTheCodeAndWaitsForApproval() {
        Path config = dir.resolve("cfg");
        fake.devicePolls.set(0);
        fake.deviceUser = "bob";
        Result r = Cli.run(
                "login",
                "--issuer",
                fake.issuer().toString(),
                "--server",
                fake.base().toString(),
                "--device",
                "--config",
                config.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("/device?user_code=ABCD-EFGH and enter the code ABCD-EFGH"), r.err());
        assertTrue(r.out().contains("logged in as bob of hospital-b"), r.out());
        assertEquals(2, fake.devicePolls.get(), "polled until approved");

        fake.devicePolls.set(0);
        fake.deviceUser = null;
        Result denied = Cli.run(
                "login",
                "--issuer",
                fake.issuer().toString(),
                "--device",
                "--config",
                dir.resolve("denied").toString());
        assertEquals(1, denied.code(), denied.toString());
        assertTrue(
                denied.err()
                        .endsWith(
                                "medshare: login refused: access_denied: The end user denied the authorization request.\n"),
                denied.err());
        assertFalse(Files.exists(dir.resolve("denied").resolve(Session.FILE)));
        fake.deviceUser = "bob";
    }
}
