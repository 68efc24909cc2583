package org.medshare.client.upload;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.client.testing.TestAuthority;

/**
 * {@code medshare upload} of the 44 official HL7 FHIR R4 example Bundles (npm {@code hl7.fhir.r4.examples} 4.0.1,
 * installed by enclave-sim's build into its {@code target/}): every one that fits the service's envelope limit is
 * stored (one with analytics rows, the rest shared without), the two larger ones are refused before encryption
 * with the limit and what to do.
 */
class Hl7ExamplesUploadTest {
    static final Path CORPUS =
            Path.of("..", "enclave-sim", "target", "hl7-fhir-r4-examples", "node_modules", "hl7.fhir.r4.examples");

    FakeMedshare fake;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void everyExampleBundleWithinTheLimitIsStoredWithItsRowsOrWhyItHasNone() throws Exception {
        assertTrue(
                Files.isDirectory(CORPUS),
                "the HL7 examples are not installed under " + CORPUS.toAbsolutePath()
                        + " (enclave-sim's build installs them with npm)");
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(CORPUS)) {
            s.filter(p -> p.getFileName().toString().matches("Bundle-.*\\.json"))
                    .sorted()
                    .forEach(p -> files.add(p.toString()));
        }
        assertEquals(44, files.size());
        fake = new FakeMedshare();
        Path config = dir.resolve("cfg");
        assertEquals(0, Cli.login(fake, config, "alice").code());
        TestAuthority.writeTrust(config.resolve("authority.trust"));
        assertEquals(
                0,
                Cli.run("pseudonym-key", "create", "--config", config.toString())
                        .code());
        Path report = dir.resolve("report.json");
        List<String> args = new ArrayList<>(List.of(
                "upload",
                "--config",
                config.toString(),
                "--no-progress",
                "--concurrency",
                "2",
                "--policy",
                "org:hospital-a@2026Q4",
                "--report",
                report.toString()));
        args.addAll(files);
        Result r = Cli.run(args.toArray(String[]::new));

        assertEquals(1, r.code(), r.err());
        assertTrue(
                UploadCommandTest.summary(r)
                        .startsWith("uploaded 42, already uploaded 0, refused 2, not confirmed 0 of 44"),
                r.out());
        assertTrue(
                UploadCommandTest.summary(r).contains("; 41 stored without analytics rows, 0 rows skipped"), r.out());
        assertEquals(42, fake.storedRecords());
        Map<String, String> outcomes = new TreeMap<>();
        for (JsonNode f : new ObjectMapper().readTree(report.toFile()).path("files")) {
            String name = Path.of(f.path("file").asText()).getFileName().toString();
            outcomes.put(
                    name,
                    f.path("outcome").asText()
                            + (f.has("analyticsRows") ? " rows=" + f.path("analyticsRows") : "")
                            + (f.has("reason")
                                    ? " " + f.path("reason").asText().replaceAll("^[0-9.]+ MiB", "N MiB")
                                    : ""));
        }
        String tooLarge =
                "refused N MiB is more than the service accepts (at most 16711680 bytes per bundle file: split the "
                        + "Bundle)";
        assertEquals(tooLarge, outcomes.remove("Bundle-resources.json"));
        assertEquals(tooLarge, outcomes.remove("Bundle-dataelements.json"));
        assertEquals("uploaded rows=1", outcomes.remove("Bundle-father.json"));
        outcomes.forEach((name, outcome) -> assertEquals("uploaded rows=0", outcome, name));
        assertEquals(41, outcomes.size());
        assertTrue(r.out().contains("uploaded Bundle-xds.json: record "), r.out());
        assertTrue(
                r.out()
                        .matches(
                                "(?s).*\nuploaded Bundle-xds\\.json: record \\S+, stored without analytics rows \\(the "
                                        + "bundle has no Claim or Encounter\\): shared, not used in statistics\n.*"),
                r.out());
    }
}
