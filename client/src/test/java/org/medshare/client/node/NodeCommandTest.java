package org.medshare.client.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.CosignatureV1;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SecretKeyAccess;
import org.medshare.ledger.consortium.Consortium;
import org.medshare.ledger.replication.GroupTls;

/** {@code medshare node keygen} and the refusals of {@code medshare node run} before it starts anything. */
class NodeCommandTest {
    @TempDir
    Path dir;

    @Test
    void keygenWritesAnOwnerOnlyKeyAndPrintsItsVerifier() throws Exception {
        Path key = dir.resolve("hospital-a.node.key");
        Result made = Cli.run("node", "keygen", "--org", "hospital-a", "--out", key.toString());
        assertEquals(0, made.code(), made.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        CheckpointSigner signer = NoteKeys.parseSigner(
                Files.readString(key, StandardCharsets.US_ASCII).strip(), SecretKeyAccess.get());
        NoteVerifier printed = NoteKeys.parseVerifier(made.out().strip());
        assertEquals("hospital-a", printed.keyName());
        assertTrue(CosignatureV1.isCosignatureKey(printed), "members cosign in the C2SP cosignature/v1 format");
        assertEquals(CosignatureV1.verifier(signer.verifier()).encode(), printed.encode());
        assertFalse(made.out().contains("PRIVATE"), "the secret key is never printed");
    }

    @Test
    void keygenMakesSm2KeysForAGmConsortium() throws Exception {
        Path key = dir.resolve("gm.key");
        Result made = Cli.run("node", "keygen", "--org", "hospital-b", "--suite", "gm", "--out", key.toString());
        assertEquals(0, made.code(), made.toString());
        assertEquals("hospital-b", NoteKeys.parseVerifier(made.out().strip()).keyName());
    }

    @Test
    void keygenRefusesToOverwriteAndBadArguments() throws Exception {
        Path key = dir.resolve("k");
        Files.write(key, new byte[] {7});
        assertEquals(
                2,
                Cli.run("node", "keygen", "--org", "hospital-a", "--out", key.toString())
                        .code());
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(key), "an existing key is never overwritten");
        Path other = dir.resolve("other");
        assertEquals(
                2,
                Cli.run("node", "keygen", "--org", "bad org", "--out", other.toString())
                        .code());
        assertEquals(
                2,
                Cli.run("node", "keygen", "--org", "hospital-a", "--suite", "rsa", "--out", other.toString())
                        .code());
        assertFalse(Files.exists(other));
    }

    @Test
    void runRefusesAMissingOrBadConsortiumFileAndAKeyNotListed() throws Exception {
        Path key = dir.resolve("a.key");
        Result made = Cli.run("node", "keygen", "--org", "hospital-a", "--out", key.toString());
        Path nodeDir = dir.resolve("node");

        Result missing = run(dir.resolve("nope.consortium"), "hospital-a", key, nodeDir);
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("consortium file not found"), missing.err());

        Path bad = dir.resolve("bad.consortium");
        Files.writeString(
                bad,
                "origin o\ngroup " + UUID.randomUUID() + "\nsuite nist\nquorum 1\n"
                        + "member hospital-a 127.0.0.1:1 127.0.0.1:2 "
                        + made.out().strip() + "\n"
                        + "member hospital-b 127.0.0.1:3 127.0.0.1:4 "
                        + NoteKeys.generateEd25519("hospital-b").verifier().encode() + "\n");
        Result minority = run(bad, "hospital-a", key, nodeDir);
        assertEquals(2, minority.code(), minority.toString());
        assertTrue(minority.err().contains("majority"), minority.err());

        Path good = dir.resolve("good.consortium");
        Files.writeString(good, Files.readString(bad).replace("quorum 1\n", ""));
        Result notMember = run(good, "insurer-x", key, nodeDir);
        assertEquals(2, notMember.code(), notMember.toString());
        assertTrue(notMember.err().contains("insurer-x is not a member"), notMember.err());

        Result wrongKey = run(good, "hospital-b", key, nodeDir);
        assertEquals(2, wrongKey.code(), wrongKey.toString());
        assertTrue(wrongKey.err().contains("not the one the consortium file lists"), wrongKey.err());
        assertFalse(Files.exists(nodeDir.resolve("ledger")), "nothing is created for a refused start");
    }

    /** {@code node run} with these files and any {@code extra} options. */
    private static Result run(Path consortium, String org, Path key, Path nodeDir, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "node",
                "run",
                "--consortium",
                consortium.toString(),
                "--org",
                org,
                "--key",
                key.toString(),
                "--dir",
                nodeDir.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(new String[0]));
    }

    @Test
    void tlsCaAndTlsCertMakeOwnerOnlyKeysUnderOneRootAndNeverOverwrite() throws Exception {
        Path ca = dir.resolve("ca");
        Result root = Cli.run("node", "tls-ca", "--out", ca.toString());
        assertEquals(0, root.code(), root.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca.key"))));
        assertTrue(root.out().startsWith("tls-root "), root.out());
        String line = root.out().strip();
        X509Certificate pinned = Consortium.parse("origin o\ngroup " + UUID.randomUUID() + "\nsuite nist\n"
                        + "member hospital-a 127.0.0.1:1 127.0.0.1:2 "
                        + NoteKeys.generateEd25519("hospital-a").verifier().encode() + "\n" + line + "\n")
                .transportRoot()
                .orElseThrow();

        Path out = dir.resolve("tls");
        Result issued = Cli.run(
                "node",
                "tls-cert",
                "--ca",
                ca.toString(),
                "--name",
                "hospital-a",
                "--host",
                "127.0.0.1",
                "--out",
                out.toString());
        assertEquals(0, issued.code(), issued.toString());
        Path key = out.resolve("hospital-a.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        GroupTls tls = GroupTls.load(key, out.resolve("hospital-a.crt"), pinned);
        assertEquals(
                "CN=hospital-a", tls.certificate().getSubjectX500Principal().getName());

        byte[] before = Files.readAllBytes(key);
        assertEquals(
                2,
                Cli.run("node", "tls-cert", "--ca", ca.toString(), "--name", "hospital-a", "--out", out.toString())
                        .code());
        assertArrayEquals(before, Files.readAllBytes(key), "a transport key is never overwritten");
        assertEquals(2, Cli.run("node", "tls-ca", "--out", ca.toString()).code(), "nor is a root");
        Result badName = Cli.run("node", "tls-cert", "--ca", ca.toString(), "--name", "../x", "--out", out.toString());
        assertEquals(2, badName.code(), badName.toString());
        Result badHost = Cli.run(
                "node",
                "tls-cert",
                "--ca",
                ca.toString(),
                "--name",
                "b",
                "--host",
                "no host!",
                "--out",
                out.toString());
        assertEquals(2, badHost.code(), badHost.toString());
        Result noRoot = Cli.run(
                "node", "tls-cert", "--ca", dir.resolve("nowhere").toString(), "--name", "b", "--out", out.toString());
        assertEquals(2, noRoot.code(), noRoot.toString());
        assertFalse(Files.exists(out.resolve("b.key")));
        assertFalse(Files.exists(dir.resolve("x.key")));
    }

    @Test
    void runRefusesTransportTheConsortiumDoesNotPinAndNoTransportWhenItDoes() throws Exception {
        Path key = dir.resolve("a.key");
        Result made = Cli.run("node", "keygen", "--org", "hospital-a", "--out", key.toString());
        Path ca = dir.resolve("ca");
        Result root = Cli.run("node", "tls-ca", "--out", ca.toString());
        Path tls = dir.resolve("tls");
        Cli.run("node", "tls-cert", "--ca", ca.toString(), "--name", "hospital-a", "--out", tls.toString());
        String members = "origin o\ngroup " + UUID.randomUUID() + "\nsuite nist\n"
                + "member hospital-a 127.0.0.1:1 127.0.0.1:2 " + made.out().strip() + "\n";
        Path plain = Files.writeString(dir.resolve("plain.consortium"), members);
        Path pinned = Files.writeString(dir.resolve("pinned.consortium"), members + root.out());
        Path nodeDir = dir.resolve("node");

        Result withoutTls = run(pinned, "hospital-a", key, nodeDir);
        assertEquals(2, withoutTls.code(), withoutTls.toString());
        assertTrue(withoutTls.err().contains("mutual TLS"), withoutTls.err());

        Result tlsNotPinned = run(
                plain,
                "hospital-a",
                key,
                nodeDir,
                "--tls-key",
                tls.resolve("hospital-a.key").toString(),
                "--tls-cert",
                tls.resolve("hospital-a.crt").toString());
        assertEquals(2, tlsNotPinned.code(), tlsNotPinned.toString());
        assertTrue(tlsNotPinned.err().contains("no tls-root"), tlsNotPinned.err());

        Result halfTls = run(
                pinned,
                "hospital-a",
                key,
                nodeDir,
                "--tls-key",
                tls.resolve("hospital-a.key").toString());
        assertEquals(2, halfTls.code(), halfTls.toString());
        assertTrue(halfTls.err().contains("go together"), halfTls.err());

        Path otherCa = dir.resolve("other-ca");
        Cli.run("node", "tls-ca", "--out", otherCa.toString());
        Path otherTls = dir.resolve("other-tls");
        Cli.run("node", "tls-cert", "--ca", otherCa.toString(), "--name", "hospital-a", "--out", otherTls.toString());
        Result foreign = run(
                pinned,
                "hospital-a",
                key,
                nodeDir,
                "--tls-key",
                otherTls.resolve("hospital-a.key").toString(),
                "--tls-cert",
                otherTls.resolve("hospital-a.crt").toString());
        assertEquals(2, foreign.code(), foreign.toString());
        assertTrue(foreign.err().contains("refused"), foreign.err());
        assertFalse(Files.exists(nodeDir.resolve("ledger")), "nothing is created for a refused start");
    }
}
