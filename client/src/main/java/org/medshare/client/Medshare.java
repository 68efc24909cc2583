package org.medshare.client;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.medshare.client.consent.ConsentCommand;
import org.medshare.client.login.LoginCommand;
import org.medshare.client.node.NodeCommand;
import org.medshare.client.party.PartyCommand;
import org.medshare.client.query.AuditCommand;
import org.medshare.client.query.BudgetsCommand;
import org.medshare.client.query.DataUseCommand;
import org.medshare.client.query.DisclosureCommand;
import org.medshare.client.query.PaymentsCommand;
import org.medshare.client.query.QueryCommand;
import org.medshare.client.records.RecordsCommand;
import org.medshare.client.upload.PseudonymKeyCommand;
import org.medshare.client.upload.UploadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code medshare} command line (DESIGN §8). Exit status: 0 success, 1 a cryptographic or
 * verification check failed, 2 usage error; the reason is one line on stderr, and a failed command
 * leaves no output file behind.
 *
 * <p>Subcommands are registered in the {@code subcommands} list below; add new ones there.
 */
@Command(
        name = "medshare",
        mixinStandardHelpOptions = true,
        versionProvider = Medshare.Version.class,
        description = "MedShare command line for hospitals, insurers, regulators and the key authority.",
        subcommands = {
            AuthorityCommand.class,
            EncryptCommand.class,
            DecryptCommand.class,
            LoginCommand.class,
            UploadCommand.class,
            PseudonymKeyCommand.class,
            QueryCommand.class,
            AuditCommand.class,
            PaymentsCommand.class,
            BudgetsCommand.class,
            DataUseCommand.class,
            DisclosureCommand.class,
            RecordsCommand.class,
            ConsentCommand.class,
            PartyCommand.class,
            NodeCommand.class,
        })
public final class Medshare implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_VERIFICATION = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        // The EVM library logs through log4j-api, which has no provider in this jar and would print an error line
        // on every contract replay; its simple logger reports only errors, and only real ones.
        if (System.getProperty("log4j2.loggerContextFactory") == null) {
            System.setProperty(
                    "log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams and returns the exit status (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Medshare());
        PrintWriter errWriter = new PrintWriter(err, true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(errWriter);
        cl.setParameterExceptionHandler((ex, a) -> {
            errWriter.println("medshare: " + oneLine(ex.getMessage()) + " (see --help)");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliFailure f) {
                errWriter.println("medshare: " + oneLine(f.getMessage()));
                return f.exitCode();
            }
            if (ex instanceof IOException) {
                errWriter.println("medshare: I/O error: " + oneLine(String.valueOf(ex.getMessage())));
                return EXIT_VERIFICATION;
            }
            errWriter.println("medshare: unexpected error: " + oneLine(String.valueOf(ex.getMessage())));
            return EXIT_VERIFICATION;
        });
        cl.setExitCodeExceptionMapper(ex -> ex instanceof CliFailure f ? f.exitCode() : EXIT_VERIFICATION);
        return cl.execute(args);
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: the usage with every command on stderr, and a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw CliFailure.usage("missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").trim();
    }

    /** Version from the jar manifest, if any. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Medshare.class.getPackage().getImplementationVersion();
            return new String[] {"medshare " + (v == null ? "development build" : v)};
        }
    }
}
