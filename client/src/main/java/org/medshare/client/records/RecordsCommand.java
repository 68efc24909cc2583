package org.medshare.client.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.audit.LoggedEvents;
import org.medshare.client.audit.MemberKeys;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.upload.RekeyCommand;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code medshare records search | get | access | rekey}: find a patient's records across the consortium, fetch and open
 * one, see who opened your organisation's records, and move your records to a new attribute epoch.
 */
@Command(
        name = "records",
        mixinStandardHelpOptions = true,
        description =
                "Find, fetch and open records across the consortium (clinician); see who opened yours and move them to"
                        + " a new attribute epoch (hospital).",
        subcommands = {
            RecordsCommand.Search.class,
            RecordGetCommand.class,
            RecordsCommand.Access.class,
            RekeyCommand.class
        })
public final class RecordsCommand implements Callable<Integer> {
    static final int PAGE = 100;

    @Override
    public Integer call() {
        throw CliFailure.usage("missing subcommand: search, get, access or rekey");
    }

    /** A record id as the service makes them, else a usage error. */
    static String recordId(String value) {
        if (value == null || !value.matches("[A-Za-z0-9._-]{1,128}")) {
            throw CliFailure.usage("RECORD must be 1-128 characters of [A-Za-z0-9._-]");
        }
        return value;
    }

    /** The elements of an offset-paged list answer, page after page, until a short page or {@code max} of them. */
    static List<JsonNode> pages(ServiceClient service, String path, int max) throws ServiceException {
        List<JsonNode> all = new ArrayList<>();
        String sep = path.contains("?") ? "&" : "?";
        while (all.size() < max) {
            int limit = Math.min(PAGE, max - all.size());
            JsonNode items = service.getJson(path + sep + "offset=" + all.size() + "&limit=" + limit);
            if (!items.isArray()) {
                throw new ServiceException(200, null, "the service answered a list request with something else");
            }
            items.forEach(all::add);
            if (items.size() < limit) {
                break;
            }
        }
        return all;
    }

    /** How much of a list to show, and how. */
    static final class ListOptions {
        @Option(
                names = "--max",
                paramLabel = "N",
                defaultValue = "1000",
                description = "list at most N (default: ${DEFAULT-VALUE})")
        int max;

        @Option(names = "--json", description = "print the service's answer as JSON")
        boolean json;

        /** The checked {@code --max}. */
        int max() {
            if (max < 1) {
                throw CliFailure.usage("--max must be at least 1");
            }
            return max;
        }
    }

    @Command(
            name = "search",
            mixinStandardHelpOptions = true,
            description = "The patient's records, at every organisation, whose policy your attributes satisfy.")
    static final class Search extends ServiceCommand {
        @Mixin
        PatientOption patient;

        @Mixin
        ListOptions list;

        @Override
        public Integer call() {
            int max = list.max();
            String ref = patient.reference(session.configDir());
            List<JsonNode> found = ask(s -> pages(s, "/api/v1/records/search?patient=" + ref, max));
            if (list.json) {
                out().println(Json.pretty(Json.array(found)));
                return 0;
            }
            for (JsonNode r : found) {
                out().printf(
                                "%s  %-16s %s  %9d bytes  v%d  %s%n",
                                Json.text(r, "recordId"),
                                Json.text(r, "organisation"),
                                Json.text(r, "createdAt"),
                                r.path("envelopeBytes").asLong(),
                                r.path("version").asInt(),
                                Json.compact(r.path("resourceSummary")));
            }
            out().println(found.size() + " record(s) of patient " + ref + " open to your attributes");
            return 0;
        }
    }

    @Command(
            name = "access",
            mixinStandardHelpOptions = true,
            description =
                    "Who opened your organisation's records: clinician, organisation, purpose, when, ledger index.")
    static final class Access extends ServiceCommand {
        @Mixin
        ListOptions list;

        @Option(
                names = "--keys",
                arity = "1..*",
                paramLabel = "FILE",
                description = "check each release's ACCESS event and its inclusion proof under a checkpoint signed by"
                        + " these ledger members' keys (one <name>+<keyid hex>+<base64> per line)")
        List<Path> keys;

        @Option(
                names = "--quorum",
                paramLabel = "N",
                description = "distinct member signatures the checkpoint needs (default: a majority of the keys)")
        Integer quorum;

        @Override
        public Integer call() {
            int max = list.max();
            List<NoteVerifier> trusted = keys == null ? List.of() : MemberKeys.read(keys);
            int q = quorum == null ? trusted.size() / 2 + 1 : quorum;
            if (quorum != null && (keys == null || q < 1 || q > trusted.size())) {
                throw CliFailure.usage("--quorum needs --keys and must be between 1 and the number of keys");
            }
            List<JsonNode> releases = ask(s -> pages(s, "/api/v1/records/access", max));
            List<Long> proved = new ArrayList<>();
            for (JsonNode a : releases) {
                if (keys != null) {
                    long index = a.path("ledgerIndex").asLong();
                    JsonNode proof = ask(s -> s.getJson("/api/v1/records/access/" + index + "/proof"));
                    proved.add(proved(a, proof, trusted, q));
                }
            }
            if (list.json) {
                out().println(Json.pretty(Json.array(releases)));
                return 0;
            }
            for (int i = 0; i < releases.size(); i++) {
                JsonNode a = releases.get(i);
                out().printf(
                                "%s  %s  %-30s %-16s %-7s%s  ledger #%d%s%n",
                                Json.text(a, "accessedAt"),
                                Json.text(a, "recordId"),
                                Json.text(a, "clinician"),
                                Json.text(a, "organisation"),
                                a.path("purpose").isTextual()
                                        ? a.path("purpose").asText()
                                        : "-",
                                a.path("breakGlass").asBoolean() ? " BREAK-GLASS" : "",
                                a.path("ledgerIndex").asLong(),
                                proved.isEmpty() ? "" : "  proved under checkpoint of size " + proved.get(i));
            }
            out().println(releases.size() + " release(s)"
                    + (keys == null ? "" : ", each ACCESS event proved in the ledger under a signed checkpoint"));
            return 0;
        }

        /**
         * Checks that {@code proof} holds the ACCESS event of {@code release} (same record, clinician and purpose)
         * and proves it in the log.
         *
         * @return the size of the checkpoint it is proved under
         * @throws CliFailure a verification failure naming the release
         */
        static long proved(JsonNode release, JsonNode proof, List<NoteVerifier> keys, int quorum) {
            long index = release.path("ledgerIndex").asLong();
            try {
                LoggedEvents.Logged logged = LoggedEvents.decode(proof.path("entry"));
                Event event = logged.event();
                String purpose = Json.text(release, "purpose");
                if (logged.index() != index
                        || event.type() != EventType.ACCESS
                        || !event.id(Field.RECORD_ID).equals(Json.text(release, "recordId"))
                        || !event.id(Field.ACTOR).equals(Json.text(release, "clinician"))
                        || (purpose != null
                                && !event.id(Field.PURPOSE).equals(purpose)
                                && !event.id(Field.PURPOSE).startsWith(purpose + ":"))) {
                    throw new LoggedEvents.Invalid(
                            "ledger entry " + logged.index() + " is not this release's ACCESS" + " event");
                }
                return LoggedEvents.verifyIncluded(logged, proof.get("receipt"), keys, quorum);
            } catch (LoggedEvents.Invalid e) {
                throw CliFailure.verification(
                        "the release at ledger #" + index + " does not verify: " + e.getMessage());
            }
        }
    }
}
