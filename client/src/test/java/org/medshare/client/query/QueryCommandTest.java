package org.medshare.client.query;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.client.testing.TestAuthority;

/** {@code medshare query ...} and {@code medshare audit export} against the CLI-contract test double. */
class QueryCommandTest {
    static FakeMedshare fake;

    @TempDir
    static Path dir;

    static Path insurer;
    static Path regulator;

    @BeforeAll
    static void start() throws Exception {
        fake = new FakeMedshare();
        insurer = login("irene");
        regulator = login("rita");
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    /** The regulator's approval key file, written once from the test authority's trusted approver. */
    static Path approvalKey() throws Exception {
        Path file = dir.resolve("regulator-approval.key");
        return Files.exists(file) ? file : TestAuthority.writeKey(TestAuthority.approver(), file);
    }

    static Path login(String user) {
        Path config = dir.resolve(user);
        Result r = Cli.login(fake, config, user);
        assertEquals(0, r.code(), r.toString());
        return config;
    }

    static Result as(Path config, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        return Cli.run(all);
    }

    static String submit() throws Exception {
        Path q = dir.resolve("request.json");
        Files.writeString(q, "{\"templateId\":\"count-by-age-sex\",\"templateVersion\":1}");
        Result r = as(insurer, "query", "submit", "--file", q.toString());
        assertEquals(0, r.code(), r.toString());
        JsonNode answer = new ObjectMapper().readTree(r.out());
        assertEquals("SUBMITTED", answer.get("status").asText());
        return answer.get("queryId").asText();
    }

    @Test
    void submitApproveStatusAndResultToAFile() throws Exception {
        String id = submit();
        Result early = as(
                insurer,
                "query",
                "result",
                id,
                "--out",
                dir.resolve("early.json").toString());
        assertEquals(1, early.code());
        assertEquals("medshare: query " + id + " has no result (status SUBMITTED)\n", early.err());
        assertFalse(Files.exists(dir.resolve("early.json")));

        Result denied =
                as(insurer, "query", "approve", id, "--key", approvalKey().toString());
        assertEquals(1, denied.code());
        assertEquals("medshare: Forbidden: This endpoint is for regulator. (HTTP 403)\n", denied.err());

        Result approved =
                as(regulator, "query", "approve", id, "--key", approvalKey().toString());
        assertEquals(0, approved.code(), approved.toString());
        assertTrue(approved.out().contains("\"COMPLETED\""), approved.out());
        Result again =
                as(regulator, "query", "approve", id, "--key", approvalKey().toString());
        assertEquals(1, again.code());
        assertTrue(again.err().startsWith("medshare: Query already decided: "), again.err());

        Result status = as(insurer, "query", "status", id);
        assertEquals(0, status.code());
        assertTrue(status.out().contains("\"resultSignature\""), status.out());

        Path out = dir.resolve("result.json");
        Result result = as(insurer, "query", "result", id, "--out", out.toString());
        assertEquals(0, result.code(), result.toString());
        JsonNode written = new ObjectMapper().readTree(out.toFile());
        assertEquals("{\"groups\":[{\"count\":12}]}", written.get("result").toString(), "a JSON object");
        assertEquals("c2ln", written.get("resultSignature").asText());
    }

    @Test
    void previewTellsWhatAQueryWouldReleaseAndExitsOneWhenBlocked() throws Exception {
        Path clear = dir.resolve("preview-clear.json");
        Files.writeString(clear, "{\"templateId\":\"count-by-age-sex\",\"templateVersion\":1,\"epsilon\":0.1}");
        Result ok = as(insurer, "query", "preview", "--file", clear.toString());
        assertEquals(0, ok.code(), ok.toString());
        assertEquals(
                "template count-by-age-sex version 1 (sha256:" + FakeMedshare.TEMPLATE_HASH + ")\n"
                        + "hospitals:\n"
                        + "  hospital-a: 3 records, used\n"
                        + "  hospital-b: 2 records, used\n"
                        + "price: at most 50 (your escrow covers it)\n"
                        + "release: k = 10, at most 1 rows per patient, epsilon 0.1\n"
                        + "  count: discreteLaplace noise of scale 10.0, within ±30.0 of the true value at 95%\n"
                        + "nothing blocks it\n",
                ok.out());

        Path blocked = dir.resolve("preview-blocked.json");
        Files.writeString(blocked, "{\"templateId\":\"count-by-age-sex\",\"templateVersion\":1,\"epsilon\":0.5}");
        Result no = as(insurer, "query", "preview", "--file", blocked.toString(), "--json");
        assertEquals(1, no.code(), no.toString());
        JsonNode answer = new ObjectMapper().readTree(no.out());
        assertTrue(answer.get("blocked").asBoolean());
        assertEquals("hospital-limit", answer.at("/blockers/0/type").asText());

        Result denied = as(regulator, "query", "preview", "--file", clear.toString());
        assertEquals(1, denied.code());
        assertEquals("medshare: Forbidden: This endpoint is for insurer. (HTTP 403)\n", denied.err());
        Result missing = as(
                insurer,
                "query",
                "preview",
                "--file",
                dir.resolve("absent.json").toString());
        assertEquals(2, missing.code(), missing.toString());
    }

    @Test
    void refuseNeedsAReason() throws Exception {
        String id = submit();
        assertEquals(2, as(regulator, "query", "refuse", id).code());
        Result r = as(regulator, "query", "refuse", id, "--reason", "purpose not covered");
        assertEquals(0, r.code(), r.toString());
        Result result = as(insurer, "query", "result", id);
        assertEquals(1, result.code());
        assertEquals(
                "medshare: query " + id + " has no result (status REFUSED, reason: purpose not covered)\n",
                result.err());
    }

    @Test
    void badInputIsAUsageError() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"templateId\": ");
        Result r = as(insurer, "query", "submit", "--file", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("medshare: " + bad + " is not valid JSON"), r.err());
        Files.writeString(bad, "{\"a\":1,\"a\":2}");
        assertEquals(2, as(insurer, "query", "submit", "--file", bad.toString()).code());
        assertEquals(
                2,
                as(
                                insurer,
                                "query",
                                "submit",
                                "--file",
                                dir.resolve("none.json").toString())
                        .code());
        assertEquals(2, as(insurer, "query", "status", "../etc").code());
        assertEquals(2, as(insurer, "query").code());
        assertEquals(2, as(insurer, "query", "template", "approve", "t", "0").code());
    }

    @Test
    void auditExportWritesEveryEventAsNdjsonAcrossPages() throws Exception {
        fake.addEvents(2100);
        int total = fake.eventCount();
        Path out = dir.resolve("audit.ndjson");
        Result r = as(regulator, "audit", "export", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals(total, lines.size());
        ObjectMapper m = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(i, m.readTree(lines.get(i)).get("index").asInt());
        }
        Path uploads = dir.resolve("submitted.ndjson");
        Result typed = as(regulator, "audit", "export", "--out", uploads.toString(), "--type", "query_submitted");
        assertEquals(0, typed.code(), typed.toString());
        for (String line : Files.readAllLines(uploads)) {
            assertEquals("QUERY_SUBMITTED", m.readTree(line).get("type").asText());
        }
    }

    @Test
    void auditExportWritesOneFhirBundleAcrossPages() throws Exception {
        fake.addEvents(2100);
        int total = fake.eventCount();
        Path out = dir.resolve("audit.fhir.json");
        Result r = as(regulator, "audit", "export", "--out", out.toString(), "--format", "fhir");
        assertEquals(0, r.code(), r.toString());
        ObjectMapper m = new ObjectMapper();
        JsonNode bundle = m.readTree(out.toFile());
        assertEquals("Bundle", bundle.get("resourceType").asText());
        assertEquals(total, bundle.get("entry").size());
        for (int i = 0; i < total; i++) {
            assertEquals(
                    "ledger-" + i,
                    bundle.get("entry").get(i).get("resource").get("id").asText());
        }
        Path access = dir.resolve("access.fhir.json");
        assertEquals(
                0,
                as(regulator, "audit", "export", "--out", access.toString(), "--format", "fhir", "--type", "access")
                        .code());
        JsonNode accessEntries = m.readTree(access.toFile()).get("entry");
        assertTrue(accessEntries.size() >= 2100 && accessEntries.size() < total, "only the ACCESS events");
        for (JsonNode e : accessEntries) {
            assertEquals(
                    "ACCESS", e.get("resource").get("entity").get(0).get("name").asText());
        }
    }

    @Test
    void aFailedAuditExportLeavesNoFile() throws Exception {
        fake.addEvents(1500);
        Path sub = Files.createDirectories(dir.resolve("failed-export"));
        fake.auditPages.set(0);
        fake.failAuditAfterPages = 1;
        try {
            Result r = as(
                    regulator,
                    "audit",
                    "export",
                    "--out",
                    sub.resolve("audit.ndjson").toString());
            assertEquals(1, r.code(), r.toString());
            assertEquals("medshare: Overloaded: The ledger is busy; retry later. (HTTP 503)\n", r.err());
            try (Stream<Path> files = Files.list(sub)) {
                assertEquals(0, files.count(), "no output and no temporary file");
            }
        } finally {
            fake.failAuditAfterPages = 0;
        }
        assertEquals(
                2,
                as(regulator, "audit", "export", "--out", sub.resolve("x").toString(), "--format", "xml")
                        .code());
        fake.auditPages.set(0);
        fake.failAuditAfterPages = 1;
        try {
            assertEquals(
                    1,
                    as(regulator, "audit", "export", "--out", sub.resolve("x").toString(), "--format", "fhir")
                            .code());
        } finally {
            fake.failAuditAfterPages = 0;
        }
        Result forbidden =
                as(insurer, "audit", "export", "--out", sub.resolve("y").toString());
        assertEquals(1, forbidden.code());
        try (Stream<Path> files = Files.list(sub)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void depositAndBalances() throws Exception {
        Result d = as(insurer, "payments", "deposit", "--amount", "12345678901234567890");
        assertEquals(0, d.code(), d.toString());
        assertTrue(d.out().contains("12345678901234567890"), d.out());
        assertEquals(2, as(insurer, "payments", "deposit", "--amount", "0").code());
        assertEquals(2, as(insurer, "payments", "deposit", "--amount", "x").code());
        Result mine = as(insurer, "payments", "balance");
        assertEquals(0, mine.code());
        assertTrue(mine.out().contains("insurer-x"), mine.out());
        Result other = as(regulator, "payments", "balance", "insurer-x");
        assertEquals(0, other.code());
        assertTrue(other.out().contains("12345678901234567890"), other.out());
        Result denied = as(insurer, "payments", "balance", "insurer-x");
        assertEquals(1, denied.code());
        assertEquals("medshare: Forbidden: This endpoint is for regulator. (HTTP 403)\n", denied.err());
    }

    @Test
    void budgetsShowWhatTheCallerMaySeeAndAHospitalSetsItsLimit() throws Exception {
        Path hospital = login("alice");
        Result mine = as(insurer, "budgets", "show");
        assertEquals(0, mine.code(), mine.toString());
        assertEquals(
                "insurer insurer-x: spent 0.5 of 10.0 ε, 9.5 left\n  query q-1: ε 0.5, charged at ledger entry 41\n",
                mine.out());
        Result all = as(regulator, "budgets", "show");
        assertEquals(0, all.code(), all.toString());
        assertTrue(
                all.out().contains("hospital hospital-a 2026-12 (ends 2027-01-01T00:00:00Z): spent 0.5 of 10.0 ε"),
                all.out());
        assertTrue(all.out().contains("  query q-2: ε 0.5, charged at ledger entry 43, refunded at ledger entry 44"));
        Result json = as(regulator, "budgets", "show", "--json");
        assertEquals(0, json.code());
        assertTrue(json.out().contains("\"chargedEntry\""), json.out());

        assertEquals(2, as(hospital, "budgets", "limit", "--epsilon", "0").code());
        assertEquals(2, as(hospital, "budgets", "limit", "--epsilon", "-1").code());
        assertEquals(2, as(hospital, "budgets", "limit", "--epsilon", "x").code());
        Result set = as(hospital, "budgets", "limit", "--epsilon", "4");
        assertEquals(0, set.code(), set.toString());
        assertTrue(set.out().contains("\"limit\" : 4.0"), set.out());
        Result denied = as(insurer, "budgets", "limit", "--epsilon", "4");
        assertEquals(1, denied.code());
        assertEquals("medshare: Forbidden: This endpoint is for hospital. (HTTP 403)\n", denied.err());

        assertEquals(2, as(hospital, "budgets", "warn", "--at", "0").code());
        assertEquals(2, as(hospital, "budgets", "warn", "--at", "101").code());
        Result warn = as(hospital, "budgets", "warn", "--at", "10");
        assertEquals(0, warn.code(), warn.toString());
        assertTrue(warn.out().contains("\"nearlyExhausted\" : true"), warn.out());
        Result warned = as(hospital, "budgets", "show");
        assertTrue(
                warned.out().contains("spent 0.5 of 4.0 ε, 3.5 left, nearly exhausted (warning at 10% spent)"),
                warned.out());
    }

    @Test
    void aHospitalAllowsRulesAndOneTemplatesExactContentAndRevokesThem() throws Exception {
        Path hospital = login("alice");
        Result none = as(hospital, "data-use", "show");
        assertEquals(0, none.code(), none.toString());
        assertEquals("no rule: no query may use your records\n", none.out());
        Result wildcard = as(hospital, "data-use", "allow", "research/*");
        assertEquals(0, wildcard.code(), wildcard.toString());
        assertEquals("research/*\n", wildcard.out());
        String pinned = "insurance-stats/sha256:" + FakeMedshare.TEMPLATE_HASH;
        Result content = as(hospital, "data-use", "allow", "--template", "count-by-age-sex", "--version", "1");
        assertEquals(0, content.code(), content.toString());
        assertEquals(pinned + "\nresearch/*\n", content.out());
        Result unknown = as(hospital, "data-use", "allow", "--template", "count-by-age-sex", "--version", "2");
        assertEquals(2, unknown.code());
        assertEquals("medshare: the service has no template count-by-age-sex version 2\n", unknown.err());
        Result bad = as(hospital, "data-use", "allow", "insurance-stats/sha256:ABC");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("medshare: Invalid data-use rule: "), bad.err());
        assertEquals(2, as(hospital, "data-use", "allow").code());
        assertEquals(
                2,
                as(hospital, "data-use", "allow", "research/*", "--template", "count-by-age-sex", "--version", "1")
                        .code());
        assertEquals(
                2,
                as(hospital, "data-use", "allow", "--template", "count-by-age-sex")
                        .code());
        Result missing = as(hospital, "data-use", "revoke", "marketing/*");
        assertEquals(2, missing.code());
        assertEquals("medshare: no rule marketing/* is in force\n", missing.err());
        Result revoked = as(hospital, "data-use", "revoke", "--template", "count-by-age-sex", "--version", "1");
        assertEquals(0, revoked.code(), revoked.toString());
        assertEquals("research/*\n", revoked.out());
        Result json = as(hospital, "data-use", "show", "--json");
        assertEquals(0, json.code());
        assertEquals(
                "research/*", new ObjectMapper().readTree(json.out()).get(0).asText());
        Result denied = as(insurer, "data-use", "show");
        assertEquals(1, denied.code());
        assertEquals("medshare: Forbidden: This endpoint is for hospital. (HTTP 403)\n", denied.err());
    }

    @Test
    void aHospitalShowsAndSetsItsDisclosureLimits() throws Exception {
        Path hospital = login("alice");
        Result none = as(hospital, "disclosure", "show");
        assertEquals(0, none.code(), none.toString());
        assertEquals("no disclosure limits of your own: queries follow their templates' limits\n", none.out());
        assertEquals("null\n", as(hospital, "disclosure", "show", "--json").out());

        Result set = as(
                hospital,
                "disclosure",
                "set",
                "--min-group-size",
                "20",
                "--max-epsilon",
                "0.5",
                "--max-rows",
                "3",
                "--noise-required",
                "--aggregates",
                "mean,count",
                "--fields",
                "sex,claim");
        assertEquals(0, set.code(), set.toString());
        String described = "minimum group size (k): 20\nlargest ε per query: 0.5\nrows per patient: at most 3\n"
                + "noise: required\naggregates: count, mean\nfields: claim, sex\n";
        assertEquals(described, set.out());
        assertEquals(described, as(hospital, "disclosure", "show").out());
        Result json = as(hospital, "disclosure", "show", "--json");
        assertTrue(json.out().contains("\"minGroupSize\" : 20"), json.out());

        Result plain = as(hospital, "disclosure", "set", "--min-group-size", "12");
        assertEquals(0, plain.code(), plain.toString());
        assertEquals(
                "minimum group size (k): 12\nlargest ε per query: no limit of your own\nrows per patient: at most"
                        + " 1000\nnoise: not required\naggregates: any\nfields: any\n",
                plain.out());

        for (List<String> bad : List.<List<String>>of(
                List.of(),
                List.of("--min-group-size", "1"),
                List.of("--min-group-size", "x"),
                List.of("--min-group-size", "20", "--max-epsilon", "-1"),
                List.of("--min-group-size", "20", "--max-epsilon", "1e-9"),
                List.of("--min-group-size", "20", "--max-epsilon", "NaN"),
                List.of("--min-group-size", "20", "--max-rows", "0"),
                List.of("--min-group-size", "20", "--max-rows", "1001"),
                List.of("--min-group-size", "20", "--aggregates", "median"),
                List.of("--min-group-size", "20", "--aggregates", "count,count"),
                List.of("--min-group-size", "20", "--aggregates", ""),
                List.of("--min-group-size", "20", "--fields", "name"),
                List.of("--min-group-size", "20", "--fields", "sex,"))) {
            List<String> args = new ArrayList<>(List.of("disclosure", "set"));
            args.addAll(bad);
            Result r = as(hospital, args.toArray(String[]::new));
            assertEquals(2, r.code(), bad + ": " + r);
            assertEquals(1, r.err().lines().count(), bad + ": " + r.err());
        }
        assertEquals(
                "minimum group size (k): 12",
                as(hospital, "disclosure", "show").out().lines().findFirst().orElseThrow());

        Result denied = as(insurer, "disclosure", "set", "--min-group-size", "20");
        assertEquals(1, denied.code());
        assertEquals("medshare: Forbidden: This endpoint is for hospital. (HTTP 403)\n", denied.err());
    }
}
