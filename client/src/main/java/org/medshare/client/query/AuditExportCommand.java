package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.SessionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
final class AuditExportCommand implements Callable<Integer> {
    static final int PAGE = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    SessionOptions session;

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
        ServiceClient c = session.client();
        if (fmt.equals("fhir")) {
            return exportFhir(c, wanted);
        }
        long written = 0;
        long next = from;
        try (AtomicOutput o = AtomicOutput.open(out, false)) {
            OutputStream stream = o.stream();
            while (true) {
                JsonNode page = c.getJson("/api/v1/audit/events?from=" + next + "&limit=" + PAGE);
                if (!page.isArray()) {
                    throw CliFailure.verification("the service's audit events answer is not a JSON array");
                }
                for (JsonNode event : page) {
                    long index = event.path("index").asLong(-1);
                    if (index != next) {
                        throw CliFailure.verification("the service skipped or repeated audit events: expected index "
                                + next + ", got " + index);
                    }
                    next++;
                    if (wanted == null || wanted.equals(Json.text(event, "type"))) {
                        stream.write((Json.compact(event) + "\n").getBytes(StandardCharsets.UTF_8));
                        written++;
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
            o.commit(true);
        } catch (ServiceException e) {
            throw SessionOptions.refused(e);
        }
        spec.commandLine()
                .getOut()
                .println("exported " + written + " event(s), indices " + from + ".." + (next - 1) + ", to " + out);
        return 0;
    }

    /** The FHIR form: pages of the service's AuditEvent export merged into one collection Bundle. */
    private int exportFhir(ServiceClient c, String wanted) throws IOException {
        ObjectNode bundle = Json.object();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "collection");
        bundle.put("timestamp", java.time.Instant.now().toString());
        ArrayNode entries = bundle.putArray("entry");
        long next = from;
        try {
            while (true) {
                JsonNode page = c.getJson("/api/v1/audit/export?format=fhir&from=" + next + "&limit=" + PAGE);
                if (!"Bundle".equals(Json.text(page, "resourceType"))) {
                    throw CliFailure.verification("the service's audit export is not a FHIR Bundle");
                }
                JsonNode pageEntries = page.path("entry");
                for (JsonNode entry : pageEntries) {
                    JsonNode event = entry.path("resource");
                    if (!("ledger-" + next).equals(Json.text(event, "id"))) {
                        throw CliFailure.verification("the service skipped or repeated audit events: expected ledger-"
                                + next + ", got " + Json.text(event, "id"));
                    }
                    next++;
                    if (wanted == null || wanted.equals(ledgerType(event))) {
                        entries.add(entry);
                    }
                }
                if (pageEntries.size() < PAGE) {
                    break;
                }
            }
        } catch (ServiceException e) {
            throw SessionOptions.refused(e);
        }
        try (AtomicOutput o = AtomicOutput.open(out, false)) {
            o.stream().write(Json.pretty(bundle).getBytes(StandardCharsets.UTF_8));
            o.commit(true);
        }
        spec.commandLine()
                .getOut()
                .println("exported " + entries.size() + " AuditEvent(s), ledger indices " + from + ".." + (next - 1)
                        + ", to " + out);
        return 0;
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
