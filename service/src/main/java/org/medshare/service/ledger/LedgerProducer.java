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
import java.time.Duration;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SecretKeyAccess;
import org.medshare.service.config.MedshareConfig;

/**
 * Opens the embedded audit ledger (one member) under {@code data-dir/ledger}. The member's checkpoint
 * key is created on first start in {@code data-dir/ledger-keys/} (secret key readable by the owner only)
 * and its public verifier key written beside it for regulators.
 */
@ApplicationScoped
public class LedgerProducer {

    static final String SIGNER_FILE = "member.skey";
    static final String VERIFIER_FILE = "member.vkey";

    @Produces
    @Singleton
    AuditLog auditLog(MedshareConfig config) {
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

    void close(@Disposes AuditLog log) throws IOException {
        log.close();
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
