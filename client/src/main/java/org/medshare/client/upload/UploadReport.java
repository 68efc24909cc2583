package org.medshare.client.upload;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.medshare.client.AtomicOutput;
import org.medshare.client.http.Json;
import org.medshare.enclave.rows.RowExtraction;

/**
 * The JSON report of {@code medshare upload --report FILE}: one object per file ({@code file}, {@code outcome}
 * {@code uploaded|already-uploaded|refused|not-confirmed}, {@code recordId}, {@code reason}, {@code version},
 * {@code recordOf}, {@code analyticsRows}, {@code noRowsReason}, {@code skippedRows} [{@code resource},
 * {@code reason}], {@code warnings}, {@code warningCount}), the files found in folders and not uploaded, and the
 * summary line. Written atomically once every file has an outcome, whatever the exit status.
 */
final class UploadReport {
    private UploadReport() {}

    static void write(Path target, List<Outcome> outcomes, List<Path> notUploaded, String summary) throws IOException {
        ObjectNode root = Json.object();
        ArrayNode files = root.putArray("files");
        for (Outcome o : outcomes) {
            ObjectNode f = files.addObject();
            f.put("file", o.file().toString());
            f.put(
                    "outcome",
                    o.kind().name().toLowerCase(Locale.ROOT).replace('_', '-').replace("failed", "not-confirmed"));
            if (o.recordId() != null) {
                f.put("recordId", o.recordId());
            }
            if (o.reason() != null) {
                f.put("reason", o.reason());
            }
            if (o.stored() != null) {
                f.put("version", o.stored().version());
                f.put("recordOf", o.stored().recordOf());
                f.put("analyticsRows", o.stored().analyticsRows());
                f.put("usedInStatistics", o.stored().analyticsRows() > 0);
            }
            Outcome.Content c = o.content();
            if (c != null) {
                if (c.noRowsReason() != null) {
                    f.put("noRowsReason", c.noRowsReason());
                }
                ArrayNode skipped = f.putArray("skippedRows");
                for (RowExtraction.Skip skip : c.skipped()) {
                    skipped.addObject().put("resource", skip.resource()).put("reason", skip.reason());
                }
                ArrayNode warnings = f.putArray("warnings");
                c.warnings().forEach(warnings::add);
                f.put("warningCount", c.warningCount());
            }
        }
        ArrayNode ignored = root.putArray("notUploaded");
        notUploaded.forEach(
                p -> ignored.addObject().put("file", p.toString()).put("reason", "not a *.json or *.xml file"));
        root.put("summary", summary);
        AtomicOutput.write(target, Json.pretty(root).getBytes(StandardCharsets.UTF_8), false);
    }
}
