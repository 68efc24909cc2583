package org.medshare.service.records;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.store.ShardStore;

/**
 * Records as hospitals have them: stored and shared without analytics rows (never used in statistics, and the
 * answer says so), one record per document (a later upload of the same document is its next version, on the
 * ledger, counted once), and the disclosed resource summary for search.
 */
@QuarkusTest
class RecordVersionsAndRowsTest {

    static final String POLICY = "org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final Set<String> STATISTICS = Set.of("purpose:insurance-stats@2026Q4");
    static final HospitalClient HOSPITAL_A = new HospitalClient("hospital-a");

    @Inject
    LedgerService ledger;

    @Inject
    ShardStore store;

    @Inject
    RecordService records;

    static String unique(String prefix) {
        return prefix + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    static List<String> statisticsInputs(RecordService records) {
        return records.statisticsInputsOpenableBy(STATISTICS).stream()
                .map(RecordService.StatisticsInput::recordId)
                .toList();
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void aBundleWithoutRowsIsStoredAndSharedButNotUsedInStatistics() {
        HOSPITAL_A.registerKey();
        String id = HOSPITAL_A
                .uploadWithoutRows(unique("lab"), POLICY, "{\"resourceType\":\"Bundle\",\"type\":\"batch\"}")
                .post()
                .then()
                .statusCode(201)
                .body("record.analyticsRows", equalTo(0))
                .body("record.usedInStatistics", equalTo(false))
                .body("note", equalTo("stored without analytics rows: shared, but not used in statistics"))
                .extract()
                .path("record.recordId");
        given().get("/api/v1/records/" + id).then().statusCode(200).body("usedInStatistics", equalTo(false));
        given().get("/api/v1/records/" + id + "/ciphertext").then().statusCode(200);
        assertFalse(statisticsInputs(records).contains(id));

        String withRows = HOSPITAL_A
                .upload(unique("claims"), POLICY, "claims")
                .post()
                .then()
                .statusCode(201)
                .body("record.analyticsRows", equalTo(12))
                .body("record.usedInStatistics", equalTo(true))
                .body("note", nullValue())
                .extract()
                .path("record.recordId");
        assertTrue(statisticsInputs(records).contains(withRows));
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void aLaterUploadOfTheSameDocumentIsTheNextVersionOfItsRecord() {
        HOSPITAL_A.registerKey();
        String document = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Upload first = HOSPITAL_A.upload(unique("doc"), POLICY, "version one");
        first.tags.put("document", document);
        String v1 = first.post()
                .then()
                .statusCode(201)
                .body("record.version", equalTo(1))
                .extract()
                .path("record.recordId");
        int visible = given().get("/api/v1/records?limit=1000").then().extract().path("size()");

        Upload second = HOSPITAL_A.upload(unique("doc"), POLICY, "version two, byte-different");
        second.tags.put("document", document);
        String v2 = second.post()
                .then()
                .statusCode(201)
                .body("record.version", equalTo(2))
                .body("record.recordOf", equalTo(v1))
                .body("record.previousVersion", equalTo(v1))
                .body("note", containsString("stored as version 2 of record " + v1))
                .extract()
                .path("record.recordId");
        List<LedgerService.LedgerEntry> last = ledger.entries(ledger.size() - 2, 2);
        assertEquals(EventType.UPLOAD, last.get(0).event().type());
        Event versioned = last.get(1).event();
        assertEquals(EventType.RECORD_VERSIONED, versioned.type());
        assertEquals(v2, versioned.id(Field.RECORD_ID));
        assertEquals(v1, versioned.id(Field.PREVIOUS_RECORD_ID));

        assertEquals(
                visible,
                (int) given().get("/api/v1/records?limit=1000").then().extract().path("size()"),
                "one document, one record in the list");
        given().get("/api/v1/records/" + v1).then().statusCode(200).body("supersededBy", equalTo(v2));
        given().get("/api/v1/records/" + v2).then().statusCode(200).body("supersededBy", nullValue());
        List<String> inputs = statisticsInputs(records);
        assertTrue(inputs.contains(v2));
        assertFalse(inputs.contains(v1), "statistics and payouts count the record once, by its current version");

        second.post().then().statusCode(200).body("replayed", equalTo(true)).body("record.version", equalTo(2));
        Upload other = HOSPITAL_A.upload(unique("doc"), POLICY, "another document");
        other.tags.put(
                "document",
                HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        other.post().then().statusCode(201).body("record.version", equalTo(1));
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void theResourceSummaryIsShownAndSearchable() {
        HOSPITAL_A.registerKey();
        String type = "Zz"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .replaceAll("[0-9]", "q");
        Upload upload = HOSPITAL_A.upload(unique("summary"), POLICY, "summary");
        upload.tags.put("resources", "Encounter:1," + type + ":2-9,Patient:1");
        String id = upload.post()
                .then()
                .statusCode(201)
                .body("record.resourceSummary." + type, equalTo("2-9"))
                .body("record.resourceSummary.Patient", equalTo("1"))
                .extract()
                .path("record.recordId");
        given().get("/api/v1/records?resourceType=" + type)
                .then()
                .statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].recordId", equalTo(id));
        given().get("/api/v1/records?resourceType=" + type.substring(0, type.length() - 1))
                .then()
                .statusCode(200)
                .body("size()", equalTo(0));
        given().get("/api/v1/records?resourceType=bad!")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/invalid-resource-type"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void documentAndSummaryTagsOfTheWrongFormAreRefusedAndChangeNothing() {
        HOSPITAL_A.registerKey();
        refused("invalid-document-reference", u -> u.tags.put("document", "urn:uuid:0c3151bd-1cbf-4d64"));
        refused("invalid-resource-summary", u -> u.tags.put("resources", "Patient:17"));
        refused("invalid-resource-summary", u -> u.tags.put("resources", "Eve Everywoman"));
    }

    private void refused(String kind, Consumer<Upload> mutation) {
        Upload upload = HOSPITAL_A.upload(unique("refused"), POLICY, "refused");
        mutation.accept(upload);
        long ledgerSize = ledger.size();
        int stored = store.records().size();
        upload.post()
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/" + kind));
        assertEquals(ledgerSize, ledger.size());
        assertEquals(stored, store.records().size());
    }
}
