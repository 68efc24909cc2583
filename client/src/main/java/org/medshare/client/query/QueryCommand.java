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
        throw CliFailure.usage("missing subcommand: submit, approve, refuse, status, result, list, verify or template");
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
