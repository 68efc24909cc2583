package org.medshare.ledger.replication;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.CosignatureV1;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteVerifier;

/**
 * One ledger member in its own JVM, for {@link KilledLeaderProcessTest}: a durable {@link AuditLog}
 * under Ratis. Arguments: member id, base directory, the three members' ports (m1 m2 m3), election
 * timeout in ms. Prints {@code READY}, then {@code SIZE <n>} whenever its log grows; on
 * {@code FINAL <n>} from stdin it waits for a final checkpoint covering n entries to be stored in its
 * log and answers {@code FINAL-STORED <n>} (or {@code FINAL-MISSING <n>}). The parent kills it with
 * SIGKILL.
 */
public final class MemberChild {
    static final String ORIGIN = "medshare.test/three-members";
    static final List<String> IDS = List.of("m1", "m2", "m3");
    static final UUID GROUP = UUID.nameUUIDFromBytes("medshare-killed-leader".getBytes(StandardCharsets.UTF_8));

    private MemberChild() {}

    /** Deterministic key of a member (the parent and the child derive the same one). */
    static CheckpointSigner signer(String id) throws Exception {
        byte[] seed = MessageDigest.getInstance("SHA-256")
                .digest(("test-member-seed-" + id).getBytes(StandardCharsets.UTF_8));
        return NoteKeys.ed25519FromSeed(id, seed);
    }

    static MemberDirectory directory() throws Exception {
        Map<String, NoteVerifier> keys = new LinkedHashMap<>();
        for (String id : IDS) {
            keys.put(id, signer(id).verifier());
        }
        return new MemberDirectory(keys);
    }

    static MemberConfig config(String id, Path base, int[] ports, Duration election) throws Exception {
        Map<String, InetSocketAddress> peers = new LinkedHashMap<>();
        for (int i = 0; i < IDS.size(); i++) {
            peers.put(IDS.get(i), new InetSocketAddress("127.0.0.1", ports[i]));
        }
        return new MemberConfig(
                id,
                peers,
                GROUP,
                base.resolve(id + "-raft"),
                ORIGIN,
                2,
                MemberKey.of(id, signer(id)),
                directory(),
                election);
    }

    /**
     * The member's own audit log: signs its checkpoints with the member key (as a cosignature, the form the
     * directory trusts), trusts every member's.
     */
    static AuditLogConfig ledgerConfig(String id) throws Exception {
        AuditLogConfig.Builder b = AuditLogConfig.builder(
                        LedgerSuite.NIST, ORIGIN, CosignatureV1.cosigner(signer(id), Clock.systemUTC()))
                .checkpointEvery(1000, Duration.ofMillis(200));
        directory().verifiers().forEach(b::trust);
        return b.build();
    }

    static Path ledgerDir(Path base, String id) {
        return base.resolve(id + "-ledger");
    }

    public static void main(String[] args) throws Exception {
        String id = args[0];
        Path base = Path.of(args[1]);
        int[] ports = {Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4])};
        Duration election = Duration.ofMillis(Long.parseLong(args[5]));
        AuditLog log = AuditLog.open(ledgerDir(base, id), ledgerConfig(id));
        LedgerMember member = LedgerMember.start(config(id, base, ports, election), new AuditLogMemberLog(log));
        System.out.println("READY " + log.size());
        System.out.flush();
        Thread reporter = new Thread(
                () -> {
                    long last = -1;
                    while (!Thread.currentThread().isInterrupted()) {
                        long size = log.size();
                        if (size != last) {
                            System.out.println("SIZE " + size);
                            System.out.flush();
                            last = size;
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "size-reporter");
        reporter.setDaemon(true);
        reporter.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("FINAL ")) {
                long size = Long.parseLong(line.substring(6));
                boolean stored = member.awaitFinal(size, Duration.ofSeconds(30)).isPresent();
                member.flushCheckpoints(Duration.ofSeconds(10));
                System.out.println(
                        (stored && member.checkpointFailures().isEmpty() ? "FINAL-STORED " : "FINAL-MISSING ") + size);
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
