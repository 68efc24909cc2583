package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.login.SessionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medshare audit export}: every ledger event from {@code --from} on, written atomically (a failed export
 * leaves no file). {@code --format ndjson}: one compact JSON object per line, in index order, exactly as the
 * service's {@code GET /api/v1/audit/events} gives them. {@code --format fhir}: one FHIR R4 Bundle (type
 * collection) of AuditEvents coded after IHE BALP, from {@code GET /api/v1/audit/export?format=fhir}. Pages are
 * fetched unfiltered and filtered by {@code --type} here, so paging never skips an event; indices are checked to
 * be consecutive.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export the audit events as NDJSON or as a FHIR AuditEvent Bundle (regulator).")
final class AuditExportCommand extends ServiceCommand {
    static final int PAGE = 1000;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "file to write")
    Path out;

    @Option(
            names = "--format",
            defaultValue = "ndjson",
            paramLabel = "ndjson|fhir",
            description =
                    "ndjson (ledger events) or fhir (a Bundle of FHIR AuditEvents, IHE BALP coding); default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--from", defaultValue = "0", paramLabel = "INDEX", description = "first event index (default: 0)")
    long from;

    @Option(
            names = "--type",
            paramLabel = "TYPE",
            description = "only events of this type (e.g. UPLOAD, ACCESS, COMPUTE)")
    String type;

    @Override
    public Integer call() throws IOException {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("ndjson") && !fmt.equals("fhir")) {
            throw CliFailure.usage("--format is ndjson or fhir");
        }
        if (from < 0) {
            throw CliFailure.usage("--from must be >= 0");
        }
        String wanted = type == null ? null : type.toUpperCase(Locale.ROOT);
        if (wanted != null && !wanted.matches("[A-Z_]{1,64}")) {
            throw CliFailure.usage("--type must be an event type name such as UPLOAD");
        }
        ServiceClient c = client();
        if (fmt.equals("fhir")) {
            return exportFhir(c, wanted);
        }
        long[] written = {0};
        long next;
        try (AtomicOutput o = AtomicOutput.open(out, false)) {
            OutputStream stream = o.stream();
            next = readPages(c, Pages.EVENTS, wanted, event -> {
                stream.write((Json.compact(event) + "\n").getBytes(StandardCharsets.UTF_8));
                written[0]++;
            });
            o.commit(true);
        }
        out().println("exported " + written[0] + " event(s), indices " + from + ".." + (next - 1) + ", to " + out);
        return 0;
    }

    /** The FHIR form: pages of the service's AuditEvent export merged into one collection Bundle. */
    private int exportFhir(ServiceClient c, String wanted) throws IOException {
        ObjectNode bundle = Json.object();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "collection");
        bundle.put("timestamp", Instant.now().toString());
        ArrayNode entries = bundle.putArray("entry");
        long next = readPages(c, Pages.FHIR, wanted, entries::add);
        AtomicOutput.write(out, Json.pretty(bundle).getBytes(StandardCharsets.UTF_8), false);
        out().println("exported " + entries.size() + " AuditEvent(s), ledger indices " + from + ".." + (next - 1)
                + ", to " + out);
        return 0;
    }

    /**
     * Reads every page of {@code pages} from {@code --from} on, checks that the ledger indices are consecutive, and
     * hands {@code keep} each item of type {@code wanted} (every item when null), in order. Returns the index after
     * the last item.
     */
    private long readPages(ServiceClient c, Pages pages, String wanted, Kept keep) throws IOException {
        long next = from;
        while (true) {
            long first = next;
            JsonNode page = SessionOptions.answer(() -> c.getJson(pages.path + "from=" + first + "&limit=" + PAGE));
            JsonNode items = pages.items(page);
            for (JsonNode item : items) {
                String index = pages.index(item);
                if (!pages.indexText(next).equals(index)) {
                    throw CliFailure.verification("the service skipped or repeated audit events: expected "
                            + pages.indexName + pages.indexText(next) + ", got " + index);
                }
                next++;
                if (wanted == null || wanted.equals(pages.type(item))) {
                    keep.accept(item);
                }
            }
            if (items.size() < PAGE) {
                return next;
            }
        }
    }

    /** Takes one exported item. */
    @FunctionalInterface
    private interface Kept {
        void accept(JsonNode item) throws IOException;
    }

    /** The two paged sources of the export, and how their items carry the ledger index and event type. */
    private enum Pages {
        EVENTS("/api/v1/audit/events?", "index ") {
            @Override
            JsonNode items(JsonNode page) {
                if (!page.isArray()) {
                    throw CliFailure.verification("the service's audit events answer is not a JSON array");
                }
                return page;
            }

            @Override
            String index(JsonNode event) {
                return Long.toString(event.path("index").asLong(-1));
            }

            @Override
            String type(JsonNode event) {
                return Json.text(event, "type");
            }
        },
        FHIR("/api/v1/audit/export?format=fhir&", "") {
            @Override
            String indexText(long index) {
                return "ledger-" + index;
            }

            @Override
            JsonNode items(JsonNode page) {
                if (!"Bundle".equals(Json.text(page, "resourceType"))) {
                    throw CliFailure.verification("the service's audit export is not a FHIR Bundle");
                }
                return page.path("entry");
            }

            @Override
            String index(JsonNode entry) {
                return Json.text(entry.path("resource"), "id");
            }

            @Override
            String type(JsonNode entry) {
                return ledgerType(entry.path("resource"));
            }
        };

        final String path;
        final String indexName;

        Pages(String path, String indexName) {
            this.path = path;
            this.indexName = indexName;
        }

        /** How the items of this source write ledger index {@code index}. */
        String indexText(long index) {
            return Long.toString(index);
        }

        /** The page's items, or a verification failure when the page is not of this source's form. */
        abstract JsonNode items(JsonNode page);

        /** The item's ledger index as the service wrote it. */
        abstract String index(JsonNode item);

        /** The item's ledger event type, or null. */
        abstract String type(JsonNode item);
    }

    /** The ledger event type an exported AuditEvent stands for (its ledger-index entity's name). */
    private static String ledgerType(JsonNode auditEvent) {
        for (JsonNode entity : auditEvent.path("entity")) {
            if ("urn:medshare:ledger-index"
                    .equals(entity.path("what")
                            .path("identifier")
                            .path("system")
                            .asText())) {
                return Json.text(entity, "name");
            }
        }
        return null;
    }
}
