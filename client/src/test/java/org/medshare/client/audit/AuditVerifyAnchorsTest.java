package org.medshare.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.Medshare;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.anchor.AnchorAccount;
import org.medshare.ledger.anchor.AnchorChain;
import org.medshare.ledger.anchor.ChainAnchor;
import org.medshare.ledger.anchor.GanacheNode;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.verify.TrustedKeys;

/** {@code medshare audit verify --anchor-rpc URL --anchor-contract ADDRESS} against a real local EVM node. */
@Timeout(180)
class AuditVerifyAnchorsTest {
    private static final String ORIGIN = "medshare.test/ledger";

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int medshare(String... args) {
        out.reset();
        err.reset();
        return Medshare.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static Event upload(int i, String hospital) {
        return Event.upload(
                1000L + i,
                hospital,
                "rec-" + i,
                SaltedHash.sha256(new byte[] {(byte) i}),
                SaltedHash.sha256(new byte[] {1, (byte) i}));
    }

    @Test
    void passesWithTheAnchorsAndNamesTheAnchorOfARewrittenLog() throws Exception {
        Path ledger = tmp.resolve("ledger");
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner("node-1.test");
        AuditLogConfig config =
                AuditLogConfig.builder(LedgerSuite.NIST, ORIGIN, signer).build();
        Path keys = tmp.resolve("members.keys");
        TrustedKeys.write(keys, List.of(signer.verifier()));
        try (GanacheNode node = GanacheNode.start(tmp.resolve("evm"));
                AnchorChain chain = AnchorChain.connect(node.rpc(), Duration.ofSeconds(20))) {
            AnchorAccount account = AnchorAccount.load(node.fundedKeyFile(tmp));
            EvmAddress contract = chain.deploy(account, account.address());
            ChainAnchor anchor;
            try (AuditLog log = AuditLog.open(ledger, config)) {
                for (int i = 0; i < 5; i++) {
                    log.append(upload(i, "hospital-a"));
                }
                SignedCheckpoint cp = log.checkpointNow();
                anchor = chain.anchor(
                        account,
                        contract,
                        ORIGIN,
                        cp.checkpoint().size(),
                        cp.checkpoint().rootHash());
                log.append(anchor.toEvent(2000));
            }
            String rpc = node.rpc().toString();
            String[] verify = {
                "audit",
                "verify",
                "--ledger",
                ledger.toString(),
                "--keys",
                keys.toString(),
                "--anchor-rpc",
                rpc,
                "--anchor-contract",
                contract.toString()
            };

            assertEquals(0, medshare(verify), err.toString());
            assertTrue(
                    out.toString()
                            .contains("anchors OK: 1 anchors on the chain match the log's roots (latest size 5), "
                                    + "1 ANCHORED entries found in their transactions"),
                    out.toString());

            assertEquals(
                    2,
                    medshare(
                            "audit",
                            "verify",
                            "--ledger",
                            ledger.toString(),
                            "--keys",
                            keys.toString(),
                            "--anchor-rpc",
                            rpc));
            assertEquals(
                    2,
                    medshare(
                            "audit",
                            "verify",
                            "--ledger",
                            ledger.toString(),
                            "--keys",
                            keys.toString(),
                            "--anchor-rpc",
                            rpc,
                            "--anchor-contract",
                            "0x1234"));
            assertEquals(
                    2,
                    medshare(
                            "audit",
                            "verify",
                            "--ledger",
                            ledger.toString(),
                            "--keys",
                            keys.toString(),
                            "--anchor-rpc",
                            "file:///etc/passwd",
                            "--anchor-contract",
                            contract.toString()));
            assertEquals(
                    1,
                    medshare(
                            "audit",
                            "verify",
                            "--ledger",
                            ledger.toString(),
                            "--keys",
                            keys.toString(),
                            "--anchor-rpc",
                            "http://127.0.0.1:1",
                            "--anchor-contract",
                            contract.toString()));
            assertTrue(
                    err.toString().startsWith("medshare: cannot read the anchors from http://127.0.0.1:1"),
                    err.toString());

            // rewritten: checkpoints deleted, entry 1 changed, the ANCHORED entry dropped, everything re-signed
            try (Stream<Path> files = Files.list(ledger)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            try (AuditLog log = AuditLog.open(ledger, config)) {
                for (int i = 0; i < 6; i++) {
                    log.append(upload(i, i == 1 ? "hospital-z" : "hospital-a"));
                }
            }
            assertEquals(
                    0,
                    medshare("audit", "verify", "--ledger", ledger.toString(), "--keys", keys.toString()),
                    "without the anchors the re-signed log passes");
            assertEquals(1, medshare(verify));
            assertTrue(
                    err.toString().startsWith("medshare: anchor verification failed: " + anchor + ": anchored root "),
                    err.toString());
            assertEquals(1, err.toString().strip().lines().count(), "one line on stderr");
        }
    }
}
