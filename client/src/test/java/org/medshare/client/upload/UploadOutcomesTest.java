package org.medshare.client.upload;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.client.testing.TestAuthority;

/**
 * What {@code medshare upload} tells per file: a line per file (record, rows or why none, skipped rows, FHIR
 * warnings), refusals a person can act on, the JSON report, XML bundles, the size limit checked before encrypting,
 * new versions of a document, and the refusal to upload without the consortium's pseudonym key.
 */
class UploadOutcomesTest {
    static final String POLICY = "org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final String VISIT = """
      {"resourceType":"Bundle","type":"collection","identifier":{"system":"urn:example:docs","value":"%s"},"entry":[
       {"fullUrl":"urn:uuid:p1","resource":{"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"1"}],
        "gender":"male","birthDate":"1970"}},
       {"fullUrl":"urn:uuid:e1","resource":{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
        "subject":{"reference":"urn:uuid:p1"},"period":{"start":"%s"}}},
       {"fullUrl":"urn:uuid:e2","resource":{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
        "subject":{"reference":"urn:uuid:p1"}}}]}""";
    static final String LAB = """
      {"resourceType":"Bundle","type":"collection","entry":[
       {"resource":{"resourceType":"Patient","id":"p","animal":{"species":{"text":"dog"}}}},
       {"resource":{"resourceType":"Observation","status":"final","code":{"text":"Hb"},"subject":{"reference":"Patient/p"}}}]}""";
    static final String XML = """
      <Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/>
        <entry><fullUrl value="urn:uuid:a"/><resource><Patient><gender value="female"/><birthDate value="1990-04"/>
          </Patient></resource><request><method value="POST"/><url value="Patient"/></request></entry>
        <entry><fullUrl value="urn:uuid:b"/><resource><Encounter><status value="finished"/><class><code value="IMP"/></class>
          <subject><reference value="urn:uuid:a"/></subject><period><start value="2024-02-03"/></period></Encounter>
        </resource><request><method value="POST"/><url value="Encounter"/></request></entry></Bundle>""";

    FakeMedshare fake;

    @TempDir
    Path dir;

    Path config;
    Path bundles;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeMedshare();
        config = dir.resolve("cfg");
        bundles = Files.createDirectories(dir.resolve("bundles"));
        Result login = Cli.login(fake, config, "alice");
        assertEquals(0, login.code(), login.toString());
        TestAuthority.writeTrust(config.resolve("authority.trust"));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    Result upload(String... extra) {
        List<String> args =
                new ArrayList<>(List.of("upload", "--config", config.toString(), "--policy", POLICY, "--no-progress"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    void createKey() {
        assertEquals(
                0,
                Cli.run("pseudonym-key", "create", "--config", config.toString())
                        .code());
    }

    @Test
    void withoutAPseudonymKeyNothingIsSentAndNoKeyIsMadeUp() throws Exception {
        Files.writeString(bundles.resolve("visit.json"), VISIT.formatted("d1", "2024-01-05"));
        Result r = upload(bundles.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(
                r.err()
                        .startsWith("medshare: no pseudonym key (" + config.resolve("pseudonym.key")
                                + "): upload with the " + "consortium's key"),
                r.err());
        assertTrue(r.err().contains("medshare pseudonym-key create"), r.err());
        assertFalse(Files.exists(config.resolve("pseudonym.key")));
        assertEquals(0, fake.uploadPosts.get());
        assertEquals(2, upload(bundles.toString()).code(), "still refused on the next run");

        createKey();
        byte[] key = Files.readAllBytes(config.resolve("pseudonym.key"));
        assertEquals(32, key.length);
        Result again = Cli.run("pseudonym-key", "create", "--config", config.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("refusing to overwrite"), again.err());
        assertArrayEquals(key, Files.readAllBytes(config.resolve("pseudonym.key")));
        assertEquals(0, upload(bundles.toString()).code());
    }

    @Test
    void everyFileGetsItsLineAndTheReportSaysTheSame() throws Exception {
        createKey();
        Files.writeString(bundles.resolve("visit.json"), VISIT.formatted("d1", "2024-01-05"));
        Files.writeString(bundles.resolve("lab.json"), LAB);
        Files.writeString(bundles.resolve("ward.xml"), XML);
        Files.writeString(bundles.resolve("notes.txt"), "not a bundle");
        Files.writeString(bundles.resolve("empty.json"), "");
        Files.writeString(bundles.resolve("list.json"), "[{\"resourceType\":\"Bundle\"}]");
        Files.writeString(bundles.resolve("text.xml"), "hello");
        Path report = dir.resolve("report.json");
        Result r = upload("--report", report.toString(), bundles.toString());
        assertEquals(1, r.code(), r.toString());
        String out = r.out();
        assertTrue(
                out.matches(
                        "(?s).*visit\\.json: record \\S+, 1 analytics row; 1 row skipped: Encounter urn:uuid:e2: it has "
                                + "no date \\(no period\\.start, period\\.end or statusHistory\\.period\\.start\\)\n.*"),
                out);
        assertTrue(
                out.matches(
                        "(?s).*\nuploaded lab\\.json: record \\S+, stored without analytics rows \\(the bundle has no "
                                + "Claim or Encounter\\): shared, not used in statistics; 1 FHIR warning: unknown element 'animal' ignored\n.*"),
                out);
        assertTrue(out.matches("(?s).*\nuploaded ward\\.xml: record \\S+, 1 analytics row\n.*"), out);
        String err = r.err();
        assertTrue(err.contains("medshare: not uploaded notes.txt: not a *.json or *.xml file\n"), err);
        assertTrue(err.contains("medshare: refused empty.json: the file is empty\n"), err);
        assertTrue(err.contains("medshare: refused list.json: a JSON array, not a FHIR Bundle"), err);
        assertTrue(err.contains("medshare: refused text.xml: neither JSON nor XML"), err);
        assertFalse(err.contains("HAPI-"), err);
        assertTrue(
                UploadCommandTest.summary(r)
                        .startsWith("uploaded 3, already uploaded 0, refused 3, not confirmed 0 of 6 " + "bundles"),
                out);
        assertTrue(
                UploadCommandTest.summary(r)
                        .contains("; 1 stored without analytics rows, 1 rows skipped, 1 FHIR warnings"),
                out);
        assertEquals(3, fake.storedRecords());

        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(6, json.path("files").size());
        JsonNode lab = find(json, "lab.json");
        assertEquals("uploaded", lab.path("outcome").asText());
        assertEquals(0, lab.path("analyticsRows").asInt());
        assertFalse(lab.path("usedInStatistics").asBoolean(true));
        assertEquals(
                "the bundle has no Claim or Encounter", lab.path("noRowsReason").asText());
        assertEquals(
                "unknown element 'animal' ignored", lab.path("warnings").get(0).asText());
        JsonNode visit = find(json, "visit.json");
        assertEquals(1, visit.path("analyticsRows").asInt());
        assertEquals(
                "Encounter urn:uuid:e2",
                visit.path("skippedRows").get(0).path("resource").asText());
        assertEquals("refused", find(json, "empty.json").path("outcome").asText());
        assertEquals(
                "the file is empty", find(json, "empty.json").path("reason").asText());
        assertTrue(json.path("notUploaded").get(0).path("file").asText().endsWith("notes.txt"));
        assertEquals(UploadCommandTest.summary(r), json.path("summary").asText());
    }

    @Test
    void aSecondUploadOfTheSameDocumentIsANewVersionOfItsRecord() throws Exception {
        createKey();
        Path first = Files.writeString(bundles.resolve("v1.json"), VISIT.formatted("doc-7", "2024-01-05"));
        Result one = upload(first.toString());
        assertEquals(0, one.code(), one.toString());
        String recordId = one.out().replaceAll("(?s).*uploaded v1\\.json: record (\\S+),.*", "$1");
        Path second = Files.writeString(bundles.resolve("v2.json"), VISIT.formatted("doc-7", "2024-01-06"));
        Result two = upload(second.toString());
        assertEquals(0, two.code(), two.toString());
        assertTrue(two.out().contains("(version 2 of record " + recordId + "), 1 analytics row"), two.out());
        Path other = Files.writeString(bundles.resolve("other.json"), VISIT.formatted("doc-8", "2024-01-06"));
        Result three = upload(other.toString());
        assertFalse(three.out().contains("(version"), three.out());
    }

    @Test
    void aBundleLargerThanTheServiceAcceptsIsRefusedBeforeItIsEncrypted() throws Exception {
        createKey();
        Path big = bundles.resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(RecordUploader.MAX_BUNDLE + 1);
        }
        Files.writeString(bundles.resolve("small.json"), VISIT.formatted("d1", "2024-01-05"));
        Result r = upload(bundles.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .contains(
                                "medshare: refused big.json: 15.9 MiB is more than the service accepts (at most 16711680 "
                                        + "bytes per bundle file: split the Bundle)"),
                r.err());
        assertTrue(UploadCommandTest.summary(r).contains("client encryption") && fake.storedRecords() == 1, r.out());
        assertTrue(Cli.run("upload", "--help").out().replaceAll("\\s+", " ").contains("at most 16711680 bytes"));
    }

    static JsonNode find(JsonNode report, String name) {
        for (JsonNode f : report.path("files")) {
            if (f.path("file").asText().endsWith("/" + name)) {
                return f;
            }
        }
        throw new AssertionError(name + " not in the report");
    }
}
