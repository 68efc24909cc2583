package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.login.ServiceCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medshare budgets show [--json]} (the privacy budgets the caller may see: an insurer its own, a hospital its
 * dataset's per period, the regulator every one), {@code medshare budgets limit --epsilon E} (a hospital sets its
 * dataset's ε per period) and {@code medshare budgets warn --at PERCENT} (the share of it spent at which the hospital's
 * budget is shown as nearly exhausted).
 */
@Command(
        name = "budgets",
        mixinStandardHelpOptions = true,
        description = "Show privacy budgets (spent, remaining, period end, the queries that spent them) and set your"
                + " dataset's limit (hospital).",
        subcommands = {BudgetsCommand.Show.class, BudgetsCommand.Limit.class, BudgetsCommand.Warn.class})
public final class BudgetsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage("missing subcommand: show, limit or warn");
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One line per budget you may see, each charge below it with its ledger entries.")
    static final class Show extends ServiceCommand {
        @Option(names = "--json", description = "print the service's answer as JSON")
        boolean json;

        @Override
        public Integer call() {
            if (json) {
                return printJson(c -> c.getJson("/api/v1/budgets"));
            }
            JsonNode budgets = ask(c -> c.getJson("/api/v1/budgets"));
            for (JsonNode b : budgets) {
                out().println(line(b));
                for (JsonNode q : b.path("queries")) {
                    out().println(charge(q));
                }
            }
            if (budgets.isEmpty()) {
                out().println("no budget has been charged yet");
            }
            out().flush();
            return 0;
        }

        static String line(JsonNode b) {
            String period = b.path("period").isTextual()
                    ? " " + b.path("period").asText() + " (ends "
                            + b.path("periodEnd").asText() + ")"
                    : "";
            String warning = b.path("nearlyExhausted").asBoolean()
                    ? ", nearly exhausted (warning at "
                            + b.path("warnAtPercent").asInt() + "% spent)"
                    : "";
            return String.format(
                    Locale.ROOT,
                    "%s %s%s: spent %s of %s ε, %s left%s",
                    b.path("kind").asText(),
                    b.path("organisation").asText(),
                    period,
                    b.path("spent").asText(),
                    b.path("limit").asText(),
                    b.path("remaining").asText(),
                    warning);
        }

        static String charge(JsonNode q) {
            StringBuilder s = new StringBuilder("  query ")
                    .append(q.path("queryId").asText())
                    .append(": ε ")
                    .append(q.path("epsilon").asText());
            if (q.path("chargedEntry").canConvertToLong()) {
                s.append(", charged at ledger entry ")
                        .append(q.path("chargedEntry").asLong());
            }
            if (q.path("refunded").asBoolean()) {
                s.append(", refunded");
                if (q.path("refundedEntry").canConvertToLong()) {
                    s.append(" at ledger entry ").append(q.path("refundedEntry").asLong());
                }
            }
            return s.toString();
        }
    }

    @Command(
            name = "limit",
            mixinStandardHelpOptions = true,
            description = "Set your dataset's ε per period (hospital), in force from the next period not yet charged.")
    static final class Limit extends ServiceCommand {
        @Option(names = "--epsilon", required = true, paramLabel = "E", description = "positive, finite ε per period")
        double epsilon;

        @Override
        public Integer call() {
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
                throw CliFailure.usage("--epsilon must be a positive finite number");
            }
            return printJson(
                    c -> c.putJson("/api/v1/budgets/own-limit", Json.object().put("limit", epsilon)));
        }
    }

    @Command(
            name = "warn",
            mixinStandardHelpOptions = true,
            description = "Set the share of your dataset's budget (hospital), in percent, at which it is shown as"
                    + " nearly exhausted (default 80).")
    static final class Warn extends ServiceCommand {
        @Option(names = "--at", required = true, paramLabel = "PERCENT", description = "1 to 100")
        int percent;

        @Override
        public Integer call() {
            if (percent < 1 || percent > 100) {
                throw CliFailure.usage("--at must be a whole percentage, 1 to 100");
            }
            return printJson(
                    c -> c.putJson("/api/v1/budgets/warning", Json.object().put("warnAtPercent", percent)));
        }
    }
}
