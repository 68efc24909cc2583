package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.stats.QueryConsent;
import org.medshare.service.digest.Sha256;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.KeycloakTokens;
import org.medshare.service.testing.QuerySteps;
import org.medshare.service.testing.QuerySteps.Party;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * Patients' consent provisions in insurer statistics, with real tokens and the real enclave, on a database of this
 * test's own (its profile), so that every count is exact. hospital-a uploads nine records, one patient each, each of
 * 12 synthetic patients in age bands 2-4 (4 per band). An insurer query's template namespace {@code insurance-stats}
 * is purpose HPAYMT; the recipient is the insurer's organisation, insurer-x.
 *
 * <p>With one patient's consent revoked, the first query counts 8 records: 32 per band. Then three patients deny the
 * query (HPAYMT to everyone, HPAYMT to insurer-x, every purpose to insurer-x) and four say something that does not
 * apply (deny HRESCH, deny HPAYMT to insurer-y, deny HPAYMT in a period that ended, permit HPAYMT): the second query
 * counts 5 records, 20 per band; the enclave signs that it left out 4 records (3 denied, 1 revoked) and the digest
 * of the nine consents' versions.
 */
@QuarkusTest
@Tag("keycloak")
@TestProfile(ConsentQueryTest.OwnDatabase.class)
class ConsentQueryTest {

    static final String POLICY = "org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final ObjectMapper JSON = new ObjectMapper();

    /** The real Keycloak, and a fresh database and data directory for this class alone. */
    public static class OwnDatabase extends RealKeycloakProfile {}

    @Test
    void aPatientWhoDeniesPaymentUseIsLeftOutOfTheInsurersCountsExactly() throws Exception {
        String alice = KeycloakTokens.user("alice");
        String irene = KeycloakTokens.user("irene");
        String rita = KeycloakTokens.user("rita");
        String run = UUID.randomUUID().toString().substring(0, 8);
        HospitalClient hospital = HospitalClient.registered("hospital-a", alice);
        List<String> consentIds = new ArrayList<>();
        for (int p = 0; p < 9; p++) {
            String patient = run + "0000000" + p;
            HospitalClient.Upload upload = hospital.upload(
                    run + "-" + p,
                    POLICY,
                    "{\"resourceType\":\"Bundle\"}",
                    1_000L * (p + 1),
                    hospital.hospitalNumber());
            upload.tags.put("patient", patient);
            upload.post().then().statusCode(201);
            consentIds.add(given().auth()
                    .oauth2(alice)
                    .queryParam("patient", patient)
                    .get("/api/v1/fhir/Consent")
                    .then()
                    .statusCode(200)
                    .body("entry.size()", equalTo(1))
                    .extract()
                    .path("entry[0].resource.id"));
        }
        given().urlEncodingEnabled(false)
                .auth()
                .oauth2(alice)
                .post("/api/v1/fhir/Consent/" + consentIds.get(8) + "/$revoke")
                .then()
                .statusCode(200)
                .body("status", equalTo("inactive"));
        String template = "consent-count-" + run;
        QuerySteps.allow(Party.withToken(alice), QuerySteps.PURPOSE + "/" + template);
        Party insurer = Party.withToken(irene);
        Party regulator = Party.withToken(rita);
        QuerySteps.proposeTemplate(insurer, template);
        QuerySteps.approveTemplate(regulator, template);
        QuerySteps.deposit(insurer, 1_000);

        Map<String, Integer> versions = new TreeMap<>();
        for (int p = 0; p < 8; p++) {
            versions.put(consentIds.get(p), 1);
        }
        versions.put(consentIds.get(8), 2);
        JsonNode before = completed(regulator, QuerySteps.submitted(insurer, template, "insurer-x", null), 8);
        assertEquals(1, before.path("consentExcludedRecords").asInt(), "the revoked consent's record");
        assertCounts(before, 32);
        assertEquals(digest(versions), before.path("consentDigest").asText());

        String[] provisions = {
            deny("[\"HPAYMT\"]", "[]", null, null),
            deny("[\"HPAYMT\"]", "[\"insurer-x\"]", null, null),
            deny("[]", "[\"insurer-x\"]", null, null),
            deny("[\"HRESCH\"]", "[]", null, null),
            deny("[\"HPAYMT\"]", "[\"insurer-y\"]", null, null),
            deny("[\"HPAYMT\"]", "[]", "\"2020-01-01T00:00:00Z\"", "\"2021-01-01T00:00:00Z\""),
            "{\"type\":\"permit\",\"purposes\":[\"HPAYMT\"],\"organisations\":[\"insurer-x\"],\"start\":null,"
                    + "\"end\":null}"
        };
        for (int p = 0; p < provisions.length; p++) {
            given().auth()
                    .oauth2(alice)
                    .contentType("application/json")
                    .body("{\"provisions\":[" + provisions[p] + "]}")
                    .put("/api/v1/consents/" + consentIds.get(p) + "/provisions")
                    .then()
                    .statusCode(200)
                    .body("version", equalTo(2));
            versions.put(consentIds.get(p), 2);
        }

        JsonNode after = completed(regulator, QuerySteps.submitted(insurer, template, "insurer-x", null), 5);
        assertEquals(3, after.path("format").asInt());
        assertCounts(after, 20);
        assertEquals(
                4,
                after.path("consentExcludedRecords").asInt(),
                "3 denied (HPAYMT, HPAYMT to insurer-x, all to it), 1 revoked");
        assertEquals(digest(versions), after.path("consentDigest").asText(), "nine consents, seven at version 2");
    }

    private static String deny(String purposes, String organisations, String start, String end) {
        return "{\"type\":\"deny\",\"purposes\":" + purposes + ",\"organisations\":" + organisations + ",\"start\":"
                + start + ",\"end\":" + end + "}";
    }

    private static String digest(Map<String, Integer> versions) {
        return HexFormat.of().formatHex(QueryConsent.digestOf(versions));
    }

    /** The regulator approves; the signed result of a query computed over {@code records} records, checked. */
    private static JsonNode completed(Party regulator, String queryId, int records) throws Exception {
        JsonPath done = QuerySteps.approve(regulator, queryId)
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .extract()
                .jsonPath();
        assertEquals(records, done.getInt("inputRecords"));
        assertEquals(records, done.getInt("payouts[0].recordCount"), "only the records used are paid for");
        String signed = done.getString("signedResult");
        assertEquals(Sha256.hex(signed), done.getString("resultHash"), "the signed result covers the consent fields");
        JsonNode result = JSON.readTree(signed);
        assertEquals(records, result.path("inputRecords").asInt());
        return result;
    }

    private static void assertCounts(JsonNode result, int perBand) {
        assertEquals(3, result.path("groups").size(), "age bands 2, 3, 4: " + result);
        for (JsonNode group : result.path("groups")) {
            assertEquals(perBand, group.path("values").path("count").asLong(), result.toString());
        }
    }
}
