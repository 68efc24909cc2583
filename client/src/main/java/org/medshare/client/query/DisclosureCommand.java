package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ServiceCommand;
import org.medshare.enclave.stats.AggregateSpec;
import org.medshare.enclave.stats.DisclosedField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medshare disclosure show [--json]} and {@code medshare disclosure set --min-group-size K [--max-epsilon E]
 * [--max-rows R] [--noise-required] [--aggregates a,b] [--fields f,g]}: a hospital's own disclosure limits, which the
 * enclave applies on top of a template's to every query over its records. Options are checked before anything is
 * sent; a bad one is a one-line error and exit 2.
 */
@Command(
        name = "disclosure",
        mixinStandardHelpOptions = true,
        description = "Show or set your hospital's own disclosure limits: k, largest ε per query, rows per patient,"
                + " required noise, allowed aggregates and fields.",
        subcommands = {DisclosureCommand.Show.class, DisclosureCommand.Set.class})
public final class DisclosureCommand implements Callable<Integer> {

    private static final String PATH = "/api/v1/disclosure-limits";

    @Override
    public Integer call() {
        throw CliFailure.usage("missing subcommand: show or set");
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Your hospital's own disclosure limits, or that it has none.")
    static final class Show extends ServiceCommand {
        @Option(names = "--json", description = "print the service's answer as JSON")
        boolean json;

        @Override
        public Integer call() {
            Optional<JsonNode> limits = ask(c -> {
                try {
                    return Optional.of(c.getJson(PATH));
                } catch (ServiceException e) {
                    if (e.status() == 404
                            && e.problemType() != null
                            && e.problemType().endsWith("/no-disclosure-limits")) {
                        return Optional.empty();
                    }
                    throw e;
                }
            });
            if (limits.isEmpty()) {
                out().println(
                                json
                                        ? "null"
                                        : "no disclosure limits of your own: queries follow their templates' limits");
            } else {
                out().println(json ? Json.pretty(limits.get()) : describe(limits.get()));
            }
            out().flush();
            return 0;
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Replace your hospital's own disclosure limits; in force for queries approved from now on."
                    + " Options left out mean no limit of your own.")
    static final class Set extends ServiceCommand {
        @Option(
                names = "--min-group-size",
                required = true,
                paramLabel = "K",
                description = "least number of distinct patients behind a released value, 2 to 1000000")
        int minGroupSize;

        @Option(
                names = "--max-epsilon",
                paramLabel = "E",
                description = "largest ε of one query, 0 (no differentially private query) to 1000000")
        Double maxEpsilon;

        @Option(names = "--max-rows", paramLabel = "R", description = "most rows one patient contributes, 1 to 1000")
        Integer maxRows;

        @Option(names = "--noise-required", description = "refuse queries without differential privacy")
        boolean noiseRequired;

        @Option(
                names = "--aggregates",
                paramLabel = "a,b",
                description = "allowed aggregates, of count, sum, mean, variance, histogram, quantiles, ols, logistic")
        String aggregates;

        @Option(
                names = "--fields",
                paramLabel = "f,g",
                description = "allowed fields, of claim, payment, ageBand, sex, icd10, hospital, serviceYear,"
                        + " serviceMonth")
        String fields;

        @Override
        public Integer call() {
            ObjectNode body = limits();
            JsonNode now = ask(c -> c.putJson(PATH, body));
            out().println(describe(now));
            out().flush();
            return 0;
        }

        ObjectNode limits() {
            if (minGroupSize < 2 || minGroupSize > 1_000_000) {
                throw CliFailure.usage("--min-group-size must be 2 to 1000000");
            }
            ObjectNode body = Json.object().put("minGroupSize", minGroupSize);
            if (maxEpsilon != null) {
                if (!(maxEpsilon == 0 || (maxEpsilon >= 1e-6 && maxEpsilon <= 1e6))) {
                    throw CliFailure.usage("--max-epsilon must be 0 or between 0.000001 and 1000000");
                }
                body.put("maxEpsilonPerQuery", maxEpsilon);
            }
            if (maxRows != null) {
                if (maxRows < 1 || maxRows > 1000) {
                    throw CliFailure.usage("--max-rows must be 1 to 1000");
                }
                body.put("maxRowsPerPatient", maxRows);
            }
            body.put("noiseRequired", noiseRequired);
            names(body.putArray("allowedAggregates"), aggregates, "--aggregates", AggregateSpec.Kind::byJsonName);
            names(body.putArray("allowedFields"), fields, "--fields", DisclosedField::byJsonName);
            return body;
        }

        private static void names(ArrayNode out, String list, String option, Function<String, ?> byName) {
            if (list == null) {
                return;
            }
            TreeSet<String> seen = new TreeSet<>();
            for (String name : list.split(",", -1)) {
                if (byName.apply(name) == null) {
                    throw CliFailure.usage(option + " names an unknown value '" + name + "'");
                }
                if (!seen.add(name)) {
                    throw CliFailure.usage(option + " names " + name + " twice");
                }
            }
            seen.forEach(out::add);
        }
    }

    /** The limits in lines for people. */
    static String describe(JsonNode limits) {
        JsonNode epsilon = limits.path("maxEpsilonPerQuery");
        return String.format(
                Locale.ROOT,
                "minimum group size (k): %d%nlargest ε per query: %s%nrows per patient: at most %d%nnoise: %s%n"
                        + "aggregates: %s%nfields: %s",
                limits.path("minGroupSize").asInt(),
                epsilon.isNumber() ? epsilon.asText() : "no limit of your own",
                limits.path("maxRowsPerPatient").asInt(),
                limits.path("noiseRequired").asBoolean() ? "required" : "not required",
                list(limits.path("allowedAggregates")),
                list(limits.path("allowedFields")));
    }

    private static String list(JsonNode names) {
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out.isEmpty() ? "any" : String.join(", ", out);
    }
}
