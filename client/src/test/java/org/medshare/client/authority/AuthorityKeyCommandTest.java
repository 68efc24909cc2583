package org.medshare.client.authority;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.abe.Envelope;
import org.medshare.abe.Policy;
import org.medshare.abe.Suite;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.client.testing.TestAuthority;

/**
 * {@code medshare authority key} against the CLI-contract test double, which relays a real simulated key
 * authority's answers: the key written opens envelopes its attributes satisfy ({@code medshare decrypt}, exit 0)
 * and not others (exit 1, no output); a key the authority issued for another recipient key, or a missing trust
 * anchor, is refused with exit 1 and no key file.
 */
class AuthorityKeyCommandTest {
    FakeMedshare fake;

    @TempDir
    Path dir;

    Path config;
    Path grantKey;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeMedshare();
        config = dir.resolve("cfg");
        Result login = Cli.login(fake, config, "alice");
        assertEquals(0, login.code(), login.toString());
        TestAuthority.writeTrust(config.resolve("authority.trust"));
        grantKey = TestAuthority.writeKey(TestAuthority.grantKey("hospital-a"), dir.resolve("hospital-a-grants.key"));
    }

    Result key(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "authority",
                "key",
                "--config",
                config.toString(),
                "--out",
                out.toString(),
                "--grant-key",
                grantKey.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    Path envelope(String name, String policy, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.write(
                f,
                Envelope.encrypt(
                        TestAuthority.enclaves().publicParameters(),
                        Policy.parse(policy),
                        Suite.NIST,
                        content.getBytes(StandardCharsets.UTF_8)));
        return f;
    }

    @Test
    void theIssuedKeyOpensWhatItsAttributesSatisfyAndNothingElse() throws Exception {
        Path key = dir.resolve("alice.key");
        Result issued = key(key);
        assertEquals(0, issued.code(), issued.toString());
        assertTrue(issued.out().contains("dept:cardiology@2026Q4"), issued.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

        Path heart = envelope("heart.env", "org:hospital-a@2026Q4 AND dept:cardiology@2026Q4", "heart record");
        Path tumour = envelope("tumour.env", "org:hospital-a@2026Q4 AND dept:oncology@2026Q4", "tumour record");
        Path plain = dir.resolve("heart.json");
        Result ok = Cli.run("decrypt", "--key", key.toString(), "--in", heart.toString(), "--out", plain.toString());
        assertEquals(0, ok.code(), ok.toString());
        assertArrayEquals("heart record".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(plain));
        Path refusedOut = dir.resolve("tumour.json");
        Result refused =
                Cli.run("decrypt", "--key", key.toString(), "--in", tumour.toString(), "--out", refusedOut.toString());
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("key does not satisfy the policy"), refused.err());
        assertFalse(Files.exists(refusedOut));
    }

    @Test
    void aKeyNotWrappedToThisCommandsKeyOrAnUnverifiableAuthorityIsRefused() throws Exception {
        Path key = dir.resolve("k.key");
        fake.substituteRecipient = true;
        Result substituted = key(key);
        assertEquals(1, substituted.code(), substituted.toString());
        assertTrue(substituted.err().startsWith("medshare: the issued key does not open"), substituted.err());
        assertFalse(Files.exists(key));
        fake.substituteRecipient = false;

        Files.delete(config.resolve("authority.trust"));
        Result untrusted = key(key);
        assertEquals(1, untrusted.code(), untrusted.toString());
        assertTrue(untrusted.err().startsWith("medshare: cannot verify the key authority"), untrusted.err());
        assertFalse(Files.exists(key));

        assertEquals(
                2,
                Cli.run(
                                "authority",
                                "key",
                                "--config",
                                config.toString(),
                                "--out",
                                key.toString(),
                                "--grant-key",
                                grantKey.toString(),
                                "--attrs",
                                "not an attribute")
                        .code());
    }
}
