package org.medshare.service.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SecretKeyAccess;
import org.medshare.ledger.consortium.Consortium;
import org.medshare.ledger.consortium.ConsortiumReplica;
import org.medshare.ledger.replication.GroupTls;
import org.medshare.service.config.MedshareConfig;

/**
 * Opens the audit ledger under {@code data-dir/ledger}. Embedded (the default): one member in this process, whose
 * checkpoint key is created on first start in {@code data-dir/ledger-keys/} (secret key readable by the owner only)
 * with its public verifier key beside it for regulators. With {@code medshare.ledger.consortium}: a replica of the
 * consortium's log whose events go to the organisations' nodes; the service then holds no checkpoint key at all.
 */
@ApplicationScoped
public class LedgerProducer {

    static final String SIGNER_FILE = "member.skey";
    static final String VERIFIER_FILE = "member.vkey";

    @Produces
    @Singleton
    LedgerBackend backend(MedshareConfig config) {
        if (config.ledger().consortium().isPresent()) {
            return consortiumReplica(config, config.ledger().consortium().get());
        }
        return LedgerBackend.embedded(embeddedLog(config));
    }

    /** The copy of the log every read uses (the embedded log or the consortium replica's copy). */
    @Produces
    @Singleton
    AuditLog auditLog(LedgerBackend backend) {
        return backend.log();
    }

    void close(@Disposes LedgerBackend backend) throws IOException {
        backend.close();
    }

    private static LedgerBackend consortiumReplica(MedshareConfig config, Path file) {
        Consortium consortium;
        try {
            consortium = Consortium.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the consortium file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the consortium file " + file + " is not valid: " + e.getMessage(), e);
        }
        Duration groupTimeout = Duration.ofMillis(config.ledger().groupTimeoutMs());
        GroupTls tls = transport(config.ledger(), consortium);
        try {
            return LedgerBackend.consortium(ConsortiumReplica.open(
                    consortium,
                    config.dataDir().resolve("ledger"),
                    new ConsortiumReplica.Timing(groupTimeout, Duration.ofSeconds(2), Duration.ofMillis(25)),
                    tls));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage() + " (medshare.ledger.tls-key, medshare.ledger.tls-cert)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the replica of the consortium ledger", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the replica of the consortium ledger fails its checks", e);
        }
    }

    /** The service's mutual TLS in the consortium's group, when its file pins a transport root. */
    private static GroupTls transport(MedshareConfig.Ledger ledger, Consortium consortium) {
        if (ledger.tlsKey().isEmpty() != ledger.tlsCert().isEmpty()) {
            throw new IllegalStateException("medshare.ledger.tls-key and medshare.ledger.tls-cert go together");
        }
        if (ledger.tlsKey().isEmpty()) {
            return null; // the replica refuses, by name, a consortium that requires TLS
        }
        X509Certificate root = consortium
                .transportRoot()
                .orElseThrow(() -> new IllegalStateException(
                        "medshare.ledger.tls-key is set but the consortium file pins no tls-root"));
        try {
            return GroupTls.load(ledger.tlsKey().get(), ledger.tlsCert().get(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service's transport key or certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "the service's transport key or certificate is refused: " + e.getMessage(), e);
        }
    }

    private static AuditLog embeddedLog(MedshareConfig config) {
        try {
            LedgerSuite suite = LedgerSuite.fromId(config.ledger().suite());
            CheckpointSigner signer = memberKey(
                    config.dataDir().resolve("ledger-keys"), config.ledger().origin(), suite);
            AuditLogConfig logConfig = AuditLogConfig.builder(
                            suite, config.ledger().origin(), signer)
                    .checkpointEvery(1000, Duration.ofMillis(config.ledger().checkpointIntervalMs()))
                    .build();
            return AuditLog.open(config.dataDir().resolve("ledger"), logConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit ledger", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the ledger member key", e);
        }
    }

    private static CheckpointSigner memberKey(Path dir, String origin, LedgerSuite suite)
            throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path secret = dir.resolve(SIGNER_FILE);
        SecretKeyAccess access = SecretKeyAccess.get();
        if (Files.exists(secret)) {
            return NoteKeys.parseSigner(
                    Files.readString(secret, StandardCharsets.US_ASCII).trim(), access);
        }
        // the log's own key is named by its origin line, as C2SP tlog-checkpoint recommends, so generic
        // checkpoint verifiers find it; keys of earlier data directories keep their names
        CheckpointSigner signer = suite.generateSigner(origin);
        writeAtomically(secret, NoteKeys.encodeSigner(signer, access), true);
        writeAtomically(dir.resolve(VERIFIER_FILE), signer.verifier().encode(), false);
        return signer;
    }

    private static void writeAtomically(Path target, String text, boolean ownerOnly) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        if (ownerOnly) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(tmp, text + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
