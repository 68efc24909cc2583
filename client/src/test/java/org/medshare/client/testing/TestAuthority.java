package org.medshare.client.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.medshare.abe.Suite;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.TrustedParties;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.enclave.ledger.LedgerTrust;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.Receipt;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * A real simulated key-authority enclave (and worker) for the CLI tests, started once per test JVM in a
 * temporary platform directory, so that what the test double relays is genuinely attested and signed, with a real
 * ledger whose checkpoints the authority trusts (it releases keys only for events proven on it).
 */
public final class TestAuthority {
    private static EmbeddedEnclaves enclaves;
    private static KeyPair approver;
    private static Map<String, KeyPair> grantKeys;
    private static AuditLog ledger;

    private TestAuthority() {}

    /** The running enclaves, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedEnclaves enclaves() {
        if (enclaves == null) {
            try {
                KeyPairGenerator ed25519 = KeyPairGenerator.getInstance("Ed25519");
                approver = ed25519.generateKeyPair();
                grantKeys = Map.of("hospital-a", ed25519.generateKeyPair(), "hospital-b", ed25519.generateKeyPair());
                Map<String, List<PublicKey>> grantors = new TreeMap<>();
                grantKeys.forEach((org, key) -> grantors.put(org, List.of(key.getPublic())));
                Path dir = Files.createTempDirectory("medshare-test-authority");
                String origin = "test.example/ledger";
                CheckpointSigner signer = LedgerSuite.NIST.generateSigner(origin);
                ledger = AuditLog.open(
                        dir.resolve("ledger"),
                        AuditLogConfig.builder(LedgerSuite.NIST, origin, signer).build());
                enclaves = EmbeddedEnclaves.start(
                        dir,
                        new TrustedParties(List.of(approver.getPublic()), grantors),
                        LedgerTrust.of(
                                origin, "nist", 1, List.of(signer.verifier().encode())),
                        1,
                        Suite.NIST);
                EmbeddedEnclaves started = enclaves;
                AuditLog log = ledger;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                        log.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException("the test key authority did not start", e);
            }
        }
        return enclaves;
    }

    /** Logs the approval's QUERY_APPROVED, as the service does before it asks for the purpose key. */
    public static LedgerProof logged(QueryApproval approval) {
        return logged(Event.builder(EventType.QUERY_APPROVED)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "regulator-nhc")
                .id(Field.QUERY_ID, approval.queryId())
                .hash(Field.QUERY_HASH, new byte[32])
                .build());
    }

    /** Logs the grant's KEY_ISSUED, as the service does before it asks for the clinician's key. */
    public static LedgerProof logged(UserKeyGrant grant) {
        return logged(Event.builder(EventType.KEY_ISSUED)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "key-authority")
                .id(Field.KEY_ID, HexFormat.of().formatHex(grant.hash()))
                .id(Field.RECIPIENT, grant.subject())
                .hash(Field.ATTRIBUTES_HASH, new byte[32])
                .build());
    }

    private static synchronized LedgerProof logged(Event event) {
        enclaves();
        try {
            Receipt r = ledger.append(event);
            SignedCheckpoint cp = ledger.checkpointNow();
            long size = cp.checkpoint().size();
            return new LedgerProof(
                    ledger.readEncoded(r.index()),
                    r.index(),
                    size,
                    ledger.inclusionProof(r.index(), size).hashes(),
                    cp.format());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The regulator's key the authority honours query approvals from. */
    public static synchronized KeyPair approver() {
        enclaves();
        return approver;
    }

    /** The grant key the authority honours {@code organisation}'s (hospital-a, hospital-b) key grants from. */
    public static synchronized KeyPair grantKey(String organisation) {
        enclaves();
        return grantKeys.get(organisation);
    }

    /** Writes {@code key} as a party key file (PKCS#8, as {@code medshare party keygen} does) to {@code file}. */
    public static Path writeKey(KeyPair key, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, key.getPrivate().getEncoded());
        return file;
    }

    /** Writes the authority's trust file (what the operator hands to hospitals) to {@code file}. */
    public static void writeTrust(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, enclaves().authorityTrust().format());
    }
}
