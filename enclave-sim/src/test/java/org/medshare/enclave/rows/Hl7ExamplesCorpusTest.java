package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * The official HL7 FHIR R4 examples (npm {@code hl7.fhir.r4.examples} 4.0.1, installed into
 * {@code target/hl7-fhir-r4-examples} by the build): every one of the 44 example Bundles is read, and its rows or
 * the reason it has none is as expected; a Bundle assembled from the package's own Patient, Encounter and Claim
 * examples gives rows where R4 allows it and a reason for each row it cannot give.
 */
class Hl7ExamplesCorpusTest {
    /** Where the build installs the package (the client's tests read it from here too). */
    static final Path CORPUS = Path.of("target", "hl7-fhir-r4-examples", "node_modules", "hl7.fhir.r4.examples");

    static Path corpus() {
        assertTrue(
                Files.isDirectory(CORPUS),
                "the HL7 examples are not installed under " + CORPUS.toAbsolutePath()
                        + " (the build installs them with npm from sample-data/hl7-fhir-r4-examples)");
        return CORPUS;
    }

    private static PseudonymKey key() throws Exception {
        return PseudonymKey.of(new byte[32]);
    }

    @Test
    void everyExampleBundleIsReadAndOnlyTheDocumentWithAnEncounterHasRows() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus())) {
            files = s.filter(p -> p.getFileName().toString().matches("Bundle-.*\\.json"))
                    .sorted()
                    .toList();
        }
        assertEquals(44, files.size(), "hl7.fhir.r4.examples 4.0.1 has 44 example Bundles");
        Map<String, Integer> types = new TreeMap<>();
        Map<String, String> withRows = new TreeMap<>();
        for (Path f : files) {
            BundleReader.ReadBundle read = BundleReader.shared().read(Files.readAllBytes(f));
            types.merge(read.bundle().getType().toCode(), 1, Integer::sum);
            RowExtraction x = RowExtractor.shared().extractWithSkips(read.bundle(), 1, key());
            if (x.rows().isEmpty()) {
                assertEquals("the bundle has no Claim or Encounter", x.noRowsReason(), f.toString());
            } else {
                withRows.put(f.getFileName().toString(), x.rows() + " skipped " + x.skipped());
            }
        }
        assertEquals(
                Map.of(
                        "collection",
                        30,
                        "transaction",
                        4,
                        "searchset",
                        2,
                        "batch",
                        2,
                        "batch-response",
                        2,
                        "message",
                        2,
                        "document",
                        1,
                        "transaction-response",
                        1),
                types);
        assertEquals(
                Map.of(
                        "Bundle-father.json",
                        "[AnalyticsRow[age=55-59, sex=female, icd=, claim=0, payment=0, "
                                + "month=201301, hospital=1]] skipped []"),
                withRows);
    }

    @Test
    void aBundleOfThePackagesOwnPatientEncounterAndClaimExamples() throws Exception {
        List<String> entries = new ArrayList<>();
        for (String name : List.of(
                "Patient-example",
                "Patient-animal",
                "Encounter-example",
                "Encounter-home",
                "Claim-MED-00050",
                "Claim-100150",
                "Observation-example",
                "Condition-example")) {
            String json = Files.readString(corpus().resolve(name + ".json"));
            String type = name.substring(0, name.indexOf('-'));
            String id = name.substring(name.indexOf('-') + 1);
            entries.add("{\"fullUrl\":\"http://hl7.org/fhir/" + type + "/" + id + "\",\"resource\":" + json + "}");
        }
        String bundle =
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + String.join(",", entries) + "]}";
        Bundle b = BundleReader.shared()
                .read(bundle.getBytes(StandardCharsets.UTF_8))
                .bundle();
        RowExtraction x = RowExtractor.shared().extractWithSkips(b, 1, key());
        assertEquals(
                List.of(
                        "AnalyticsRow[age=60-64, sex=female, icd=M96.1,G89.4,M53.88, claim=1250000, payment=0, month=201510, hospital=1]",
                        "AnalyticsRow[age=40-44, sex=male, icd=, claim=0, payment=0, month=201501, hospital=1]"),
                x.rows().stream().map(Object::toString).toList());
        assertEquals(
                List.of(
                        "Claim/100150: it refers to Patient/1, which is not in the Bundle",
                        "Encounter/example: it has no date (no period.start, period.end or statusHistory.period.start)"),
                x.skipped().stream().map(Object::toString).toList());
    }
}
