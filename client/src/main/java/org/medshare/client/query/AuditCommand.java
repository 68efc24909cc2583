package org.medshare.client.query;

import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.audit.AuditCheckpointCommand;
import org.medshare.client.audit.AuditVerifyCommand;
import org.medshare.client.audit.AuditWatchCommand;
import picocli.CommandLine.Command;

/**
 * {@code medshare audit} (regulator, DESIGN §3 audit flow): {@code export} (online, NDJSON), {@code checkpoint} (online, pins the latest checkpoint), {@code watch} (online, polls nodes for split views) and the offline
 * {@code verify} ({@link org.medshare.client.audit.AuditVerifyCommand}).
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Export and verify the audit trail (regulator).",
        subcommands = {
            AuditExportCommand.class,
            AuditCheckpointCommand.class,
            AuditVerifyCommand.class,
            AuditWatchCommand.class
        })
public final class AuditCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage("missing subcommand: export, checkpoint, verify or watch");
    }
}
