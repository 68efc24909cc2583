package org.medshare.client.party;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;

/** {@code medshare party keygen}: a party's own key, owner-only, and the line for the party keys file. */
class PartyCommandTest {
    @TempDir
    Path dir;

    @Test
    void makesAnOwnerOnlyKeyAndPrintsItsPartyKeysLine() throws Exception {
        Path key = dir.resolve("regulator.key");
        Result made = Cli.run(
                "party", "keygen", "--org", "regulator-nhc", "--role", "approve-queries", "--out", key.toString());
        assertEquals(0, made.code(), made.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(48, Files.size(key), "PKCS#8 of an Ed25519 seed");

        String[] line = made.out().strip().split(" ");
        assertEquals("approve-queries", line[0]);
        assertEquals("regulator-nhc", line[1]);
        KeyPair read = PartyKeyFile.read(key);
        assertArrayEquals(Base64.getDecoder().decode(line[2]), read.getPublic().getEncoded());
        Signature sign = Signature.getInstance("Ed25519");
        sign.initSign(read.getPrivate());
        sign.update(new byte[] {1, 2, 3});
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance("Ed25519");
        verify.initVerify(read.getPublic());
        verify.update(new byte[] {1, 2, 3});
        assertTrue(verify.verify(signature), "the derived public half belongs to the key");
    }

    @Test
    void refusesToOverwriteAKeyAndBadArguments() throws Exception {
        Path key = dir.resolve("k.key");
        Files.write(key, new byte[] {7});
        Result again =
                Cli.run("party", "keygen", "--org", "hospital-a", "--role", "grant-keys", "--out", key.toString());
        assertEquals(2, again.code(), again.toString());
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(key), "an existing key is never overwritten");

        Path other = dir.resolve("other.key");
        assertEquals(
                2,
                Cli.run(
                                "party",
                                "keygen",
                                "--org",
                                "hospital-a",
                                "--role",
                                "sign-everything",
                                "--out",
                                other.toString())
                        .code());
        assertEquals(
                2,
                Cli.run("party", "keygen", "--org", "hospital a", "--role", "grant-keys", "--out", other.toString())
                        .code());
        assertFalse(Files.exists(other));

        Result notAKey = Cli.run(
                "query",
                "approve",
                "q-1",
                "--key",
                key.toString(),
                "--config",
                dir.resolve("cfg").toString());
        assertEquals(2, notAKey.code(), notAKey.toString());
        assertTrue(notAKey.err().contains("is not an Ed25519 PKCS#8 key"), notAKey.err());
    }
}
