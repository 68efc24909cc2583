package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.party.PartyKeyFile;
import org.medshare.enclave.keyrelease.QueryApproval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medshare query} (DESIGN §3, query flow): insurers submit requests against approved templates and
 * fetch results; regulators approve or refuse. Answers are printed as JSON on stdout; a refusal by the
 * service is one line on stderr and exit 1.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = "Submit, approve, refuse and follow aggregate queries (insurer, regulator).",
        subcommands = {
            QueryCommand.Preview.class,
            QueryCommand.Submit.class,
            QueryCommand.Approve.class,
            QueryCommand.Refuse.class,
            QueryCommand.Status.class,
            QueryCommand.Result.class,
            QueryCommand.ListQueries.class,
            VerifyCommand.class,
            TemplateCommand.class,
        })
public final class QueryCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage(
                "missing subcommand: preview, submit, approve, refuse, status, result, list, verify or template");
    }

    /** A command on one query, named by its id. */
    abstract static class OneQuery extends ServiceCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        /** The query's API path; a malformed id is a usage error. */
        final String path() {
            return "/api/v1/queries/" + Calls.id("query id", id);
        }
    }

    /**
     * {@code query preview --file QUERY.json [--json]}: what the request would use, release and cost if approved now,
     * and what would block it; nothing is submitted. Exit 0 when nothing blocks it, 1 when something does.
     */
    @Command(
            name = "preview",
            mixinStandardHelpOptions = true,
            description = "Dry-run a query request as the insurer: the hospitals whose records it would use, the k, ε"
                    + " and noise it would release with, its price and what would block it. Exit 1 when blocked.")
    static final class Preview extends ServiceCommand {
        @Option(names = "--file", required = true, paramLabel = "QUERY.json", description = "the request")
        Path file;

        @Option(names = "--json", description = "print the service's answer as JSON")
        boolean json;

        @Override
        public Integer call() {
            byte[] body = Calls.jsonFile(file);
            JsonNode preview =
                    ask(c -> c.postJson("/api/v1/queries/preview", body).json());
            out().println(json ? Json.pretty(preview) : describe(preview));
            out().flush();
            return preview.path("blocked").asBoolean(true) ? 1 : 0;
        }

        static String describe(JsonNode p) {
            StringBuilder b = new StringBuilder();
            b.append("template ")
                    .append(p.path("templateId").asText())
                    .append(" version ")
                    .append(p.path("templateVersion").asInt())
                    .append(" (sha256:")
                    .append(p.path("templateHash").asText())
                    .append(")\n");
            b.append("hospitals:");
            if (p.path("hospitals").isEmpty()) {
                b.append(" none has records this purpose may open");
            }
            for (JsonNode h : p.path("hospitals")) {
                b.append("\n  ")
                        .append(h.path("hospital").asText())
                        .append(": ")
                        .append(h.path("records").asLong())
                        .append(" records, ")
                        .append(
                                h.path("permitted").asBoolean()
                                        ? "used"
                                        : "not used (its data-use rules do not allow this template)");
            }
            b.append("\nprice: at most ")
                    .append(p.path("price").asText())
                    .append(
                            p.path("escrowSufficient").asBoolean()
                                    ? " (your escrow covers it)"
                                    : " (your escrow does not cover it)");
            JsonNode release = p.path("release");
            if (!release.isMissingNode() && !release.isNull()) {
                b.append("\nrelease: k = ")
                        .append(release.path("minGroupSize").asInt())
                        .append(", at most ")
                        .append(release.path("maxRowsPerPatient").asInt())
                        .append(" rows per patient, ")
                        .append(
                                release.path("noise").isEmpty()
                                        ? "no noise"
                                        : "epsilon " + release.path("epsilon").asDouble());
                for (JsonNode n : release.path("noise")) {
                    b.append("\n  ")
                            .append(n.path("value").asText())
                            .append(": ")
                            .append(n.path("mechanism").asText())
                            .append(" noise of scale ")
                            .append(String.format(
                                    Locale.ROOT, "%.3g", n.path("scale").asDouble()))
                            .append(", within ±")
                            .append(String.format(
                                    Locale.ROOT, "%.3g", n.path("halfWidth").asDouble()))
                            .append(" of the true value at 95%");
                }
            }
            if (p.path("blockers").isEmpty()) {
                b.append("\nnothing blocks it");
            }
            for (JsonNode x : p.path("blockers")) {
                b.append("\nblocked (")
                        .append(x.path("type").asText())
                        .append("): ")
                        .append(x.path("detail").asText());
            }
            return b.toString();
        }
    }

    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description =
                    "Submit a query request (JSON of enclave-sim/QUERY.md) as the insurer; prints the query with its id.")
    static final class Submit extends ServiceCommand {
        @Option(names = "--file", required = true, paramLabel = "QUERY.json", description = "the request")
        Path file;

        @Override
        public Integer call() {
            byte[] body = Calls.jsonFile(file);
            return printJson(c -> c.postJson("/api/v1/queries", body).json());
        }
    }

    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = "Approve a submitted query as the regulator, signed with your approval key (it then runs in"
                    + " the enclave).")
    static final class Approve extends OneQuery {
        @Option(
                names = "--key",
                required = true,
                paramLabel = "FILE",
                description = "your approval key (medshare party keygen --role approve-queries)")
        Path key;

        @Option(
                names = "--valid-for",
                defaultValue = "PT1H",
                paramLabel = "DURATION",
                description = "how long the approval may be used (ISO-8601, at most P7D; default PT1H)")
        Duration validFor;

        @Override
        public Integer call() throws IOException {
            if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(Duration.ofDays(7)) > 0) {
                throw CliFailure.usage("--valid-for must be positive and at most P7D");
            }
            KeyPair approver = PartyKeyFile.read(key);
            String path = path();
            JsonNode terms = ask(c -> c.getJson(path + "/approval-terms"));
            QueryApproval approval = ApprovalTerms.sign(id, terms, Instant.now().plus(validFor), approver);
            ObjectNode body = Json.object().put("approval", Base64.getEncoder().encodeToString(approval.toBytes()));
            return printJson(c -> c.postJson(path + "/approve", body));
        }
    }

    @Command(
            name = "refuse",
            mixinStandardHelpOptions = true,
            description = "Refuse a submitted query as the regulator.")
    static final class Refuse extends OneQuery {
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why (1-1000 characters)")
        String reason;

        @Override
        public Integer call() {
            String path = path() + "/refuse";
            if (reason.isBlank() || reason.length() > 1000) {
                throw CliFailure.usage("--reason must be 1-1000 characters");
            }
            return printJson(c -> c.postJson(path, Json.object().put("reason", reason)));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a query and its state.")
    static final class Status extends OneQuery {
        @Override
        public Integer call() {
            String path = path();
            return printJson(c -> c.getJson(path));
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List queries (an insurer's own, or all for a regulator), newest first.")
    static final class ListQueries extends ServiceCommand {
        @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "at most N (1..1000)")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 1000) {
                throw CliFailure.usage("--limit must be within 1..1000");
            }
            return printJson(c -> c.getJson("/api/v1/queries?limit=" + limit));
        }
    }

    /**
     * {@code query result ID [--out FILE]}: the completed query with its enclave-signed result (result, result
     * hash, signature, enclave measurement, input record count, payouts). Written atomically to FILE, or
     * printed. Exit 1, and no file, when the query has no result.
     */
    @Command(
            name = "result",
            mixinStandardHelpOptions = true,
            description = "Fetch a completed query's enclave-signed result.")
    static final class Result extends OneQuery {
        @Option(
                names = "--out",
                paramLabel = "FILE",
                description = "write the result here (atomically) instead of stdout")
        Path out;

        @Override
        public Integer call() throws IOException {
            String path = path();
            JsonNode q = ask(c -> c.getJson(path));
            JsonNode result = q.get("result");
            if (result == null || result.isNull()) {
                String status = Json.text(q, "status");
                String reason = Json.text(q, "reason");
                throw CliFailure.verification("query " + id + " has no result (status " + status
                        + (reason == null ? "" : ", reason: " + reason) + ")");
            }
            String text = Json.pretty(q) + "\n";
            if (out == null) {
                PrintWriter w = out();
                w.print(text);
                w.flush();
                return 0;
            }
            AtomicOutput.write(out, text.getBytes(StandardCharsets.UTF_8), false);
            out().println("result of query " + id + " written to " + out);
            return 0;
        }
    }
}
