package org.medshare.client.query;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.login.ServiceCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medshare query template submit|approve|reject|list}: query templates (enclave-sim/QUERY.md). */
@Command(
        name = "template",
        mixinStandardHelpOptions = true,
        description = "Propose (insurer), approve or reject (regulator) and list query templates.",
        subcommands = {
            TemplateCommand.Submit.class,
            TemplateCommand.Decide.class,
            TemplateCommand.Reject.class,
            TemplateCommand.ListTemplates.class
        })
final class TemplateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage("missing subcommand: submit, approve, reject or list");
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = "Propose a template (insurer).")
    static final class Submit extends ServiceCommand {
        @Option(names = "--file", required = true, paramLabel = "TEMPLATE.json", description = "the template")
        Path file;

        @Override
        public Integer call() {
            byte[] body = Calls.jsonFile(file);
            return printJson(c -> c.postJson("/api/v1/templates", body).json());
        }
    }

    /** A regulator's decision on a pending template; subclasses name the decision. */
    abstract static class Decision extends ServiceCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "VERSION")
        int version;

        /** The path segment of the decision: {@code approve} or {@code reject}. */
        abstract String verb();

        @Override
        public Integer call() {
            if (version < 1) {
                throw CliFailure.usage("VERSION must be a positive integer");
            }
            String path = "/api/v1/templates/" + Calls.id("template id", id) + "/" + version + "/" + verb();
            return printJson(c -> c.postJson(path, Json.object()));
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending template (regulator).")
    static final class Decide extends Decision {
        @Override
        String verb() {
            return "approve";
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a pending template (regulator).")
    static final class Reject extends Decision {
        @Override
        String verb() {
            return "reject";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every template with its state.")
    static final class ListTemplates extends ServiceCommand {
        @Override
        public Integer call() {
            return printJson(c -> c.getJson("/api/v1/templates"));
        }
    }
}
