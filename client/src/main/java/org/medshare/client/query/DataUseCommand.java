package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ServiceCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medshare data-use show|allow|revoke} (hospital): the organisation's data-use rules, which decide which
 * templates may read its records (default deny). A rule is {@code purpose/templateId}, {@code purpose/*} or {@code
 * purpose/sha256:HASH}; {@code --template ID --version N} names exactly that template's content, by the hash the
 * service shows for it, so that a changed template needs the hospital's approval again.
 */
@Command(
        name = "data-use",
        mixinStandardHelpOptions = true,
        description = "Show, allow or revoke your organisation's data-use rules (hospital): which templates may use"
                + " its records.",
        subcommands = {DataUseCommand.Show.class, DataUseCommand.Allow.class, DataUseCommand.Revoke.class})
public final class DataUseCommand implements Callable<Integer> {
    private static final String PATH = "/api/v1/data-use-rules";

    @Override
    public Integer call() {
        throw CliFailure.usage("missing subcommand: show, allow or revoke");
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The rules in force, one per line.")
    static final class Show extends ServiceCommand {
        @Option(names = "--json", description = "print the service's answer as JSON")
        boolean json;

        @Override
        public Integer call() {
            if (json) {
                return printJson(c -> c.getJson(PATH));
            }
            print(out(), ask(c -> c.getJson(PATH)));
            return 0;
        }
    }

    /**
     * Replaces the rules in force with what {@link #change} makes of them and the rules the command names (as written,
     * or {@code purpose/sha256:HASH} of {@code --template ID --version N}), and prints the rules now in force.
     */
    abstract static class Change extends ServiceCommand {
        @Parameters(
                paramLabel = "RULE",
                arity = "0..*",
                description = "purpose/templateId, purpose/* or purpose/sha256:HASH")
        List<String> rules = List.of();

        @Option(names = "--template", paramLabel = "ID", description = "a template's id: its exact content is the rule")
        String templateId;

        @Option(names = "--version", paramLabel = "N", description = "the version of --template")
        Integer version;

        abstract void change(Set<String> inForce, List<String> named);

        @Override
        public Integer call() {
            if (rules.isEmpty() == (templateId == null)) {
                throw CliFailure.usage("name either rules or --template ID --version N");
            }
            if ((templateId == null) != (version == null)) {
                throw CliFailure.usage("--template and --version go together");
            }
            if (templateId != null) {
                Calls.id("template id", templateId);
            }
            JsonNode now = ask(c -> {
                List<String> named = templateId == null ? rules : List.of(contentRule(c));
                Set<String> inForce = new LinkedHashSet<>();
                c.getJson(PATH).forEach(r -> inForce.add(r.asText()));
                change(inForce, named);
                List<JsonNode> body = new ArrayList<>();
                inForce.forEach(r -> body.add(Json.object().textNode(r)));
                return c.putJson(PATH, Json.object().set("rules", Json.array(body)));
            });
            print(out(), now);
            return 0;
        }

        private String contentRule(ServiceClient service) throws ServiceException {
            for (JsonNode t : service.getJson("/api/v1/templates")) {
                if (t.path("templateId").asText().equals(templateId)
                        && t.path("version").asInt() == version) {
                    return t.path("purpose").asText() + "/sha256:"
                            + t.path("hash").asText();
                }
            }
            throw CliFailure.usage("the service has no template " + templateId + " version " + version);
        }
    }

    @Command(
            name = "allow",
            mixinStandardHelpOptions = true,
            description = "Add rules (or one template's exact content with --template ID --version N).")
    static final class Allow extends Change {
        @Override
        void change(Set<String> rules, List<String> named) {
            rules.addAll(named);
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Remove rules (or one template's exact content with --template ID --version N).")
    static final class Revoke extends Change {
        @Override
        void change(Set<String> rules, List<String> named) {
            for (String rule : named) {
                if (!rules.remove(rule)) {
                    throw CliFailure.usage("no rule " + rule + " is in force");
                }
            }
        }
    }

    private static void print(PrintWriter out, JsonNode rules) {
        if (rules.isEmpty()) {
            out.println("no rule: no query may use your records");
        }
        rules.forEach(r -> out.println(r.asText()));
        out.flush();
    }
}
