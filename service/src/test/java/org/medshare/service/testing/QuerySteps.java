package org.medshare.service.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The steps of the query flow as the parties send them over the API, shared by the flow tests of both tiers.
 * Each step takes the {@link Party} that sends it: a real bearer token, or the test identity of the running test
 * method. The template counts patients with an ICD-10 prefix per age band, with k = 10 and optional DP.
 */
public final class QuerySteps {

    /** The purpose every template and request of these steps names. */
    public static final String PURPOSE = "insurance-stats";

    private QuerySteps() {}

    /** Who sends a request. */
    @FunctionalInterface
    public interface Party {

        /** A fresh request specification carrying this party's credentials. */
        RequestSpecification request();

        /** A caller with a real bearer token. */
        static Party withToken(String bearerToken) {
            return () -> given().auth().oauth2(bearerToken);
        }

        /** The identity the running test method declares with {@code @TestSecurity}. */
        static Party testIdentity() {
            return RestAssured::given;
        }
    }

    /** A count template grouped by age band, with one ICD-10 prefix parameter {@code icd}. */
    public static String template(String id) {
        return "{\"id\":\"" + id + "\",\"version\":1,\"purpose\":\"" + PURPOSE + "\","
                + "\"parameters\":{\"icd\":{\"type\":\"icd10Prefix\",\"min\":1,\"max\":4}},"
                + "\"filter\":{\"icd10Prefix\":\"$icd\"},\"groupBy\":[\"ageBand\"],\"aggregate\":{\"type\":\"count\"},"
                + "\"privacy\":{\"minGroupSize\":10,\"maxRowsPerPatient\":1,\"dp\":\"optional\","
                + "\"mechanism\":\"discreteLaplace\",\"maxEpsilon\":1.0}}";
    }

    /** A request of version 1 of {@code templateId} for ICD-10 E11, with DP at {@code epsilon} or (null) without. */
    public static String request(String templateId, String insurer, String epsilon) {
        return "{\"templateId\":\"" + templateId + "\",\"templateVersion\":1,\"insurerId\":\"" + insurer + "\","
                + "\"purpose\":\"" + PURPOSE + "\",\"parameters\":{\"icd\":\"E11\"}"
                + (epsilon == null ? "" : ",\"epsilon\":" + epsilon) + "}";
    }

    /** An insurer proposes the template; it waits for the regulator. */
    public static void proposeTemplate(Party insurer, String templateId) {
        insurer.request()
                .contentType("application/json")
                .body(template(templateId))
                .post("/api/v1/templates")
                .then()
                .statusCode(201)
                .body("state", equalTo("PENDING"));
    }

    /** The regulator approves the template. */
    public static void approveTemplate(Party regulator, String templateId) {
        regulator
                .request()
                .post("/api/v1/templates/" + templateId + "/1/approve")
                .then()
                .statusCode(200)
                .body("state", equalTo("APPROVED"));
    }

    /** A hospital's data-use rules become exactly {@code rules} ({@code purpose/template} pairs). */
    public static void allow(Party hospital, String... rules) {
        hospital.request()
                .contentType("application/json")
                .body(Map.of("rules", List.of(rules)))
                .put("/api/v1/data-use-rules")
                .then()
                .statusCode(200)
                .body("", equalTo(List.copyOf(new TreeSet<>(List.of(rules)))));
    }

    /** An insurer submits a request of the template without DP; the answer is not checked. */
    public static Response submit(Party insurer, String templateId, String insurerId) {
        return insurer.request()
                .contentType("application/json")
                .body(request(templateId, insurerId, null))
                .post("/api/v1/queries");
    }

    /** An insurer submits a request ({@code epsilon} null for none) that the service accepts; its query id. */
    public static String submitted(Party insurer, String templateId, String insurerId, String epsilon) {
        return insurer.request()
                .contentType("application/json")
                .body(request(templateId, insurerId, epsilon))
                .post("/api/v1/queries")
                .then()
                .statusCode(201)
                .body("status", equalTo("SUBMITTED"))
                .extract()
                .path("queryId");
    }

    /** An insurer puts {@code amount} into escrow on the contract. */
    public static void deposit(Party insurer, long amount) {
        insurer.request()
                .contentType("application/json")
                .body(Map.of("amount", amount))
                .post("/api/v1/payments/deposits")
                .then()
                .statusCode(200);
    }

    /** The regulator approves a query with its signed approval ({@link PartySigners#approval}); the answer is not checked. */
    public static Response approve(Party regulator, String queryId) {
        return regulator
                .request()
                .contentType("application/json")
                .body(Map.of("approval", PartySigners.approval(regulator, queryId)))
                .post("/api/v1/queries/" + queryId + "/approve");
    }

    /**
     * The regulator approves a query that the enclave computes over {@code records} input records of one
     * hospital, each of 12 patients in age bands 2-4 ({@link HospitalClient#upload}), and the contract settles:
     * asserts the completed query's result (three age bands of {@code 4 * records} patients) and that
     * {@code hospital} alone was paid, at 2.5 units a record rounded down; the completed query.
     */
    public static JsonPath approvedAndPaid(Party regulator, String queryId, int records, String hospital)
            throws Exception {
        JsonPath done = approve(regulator, queryId)
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .extract()
                .jsonPath();
        assertEquals(records, done.getInt("inputRecords"));
        JsonNode result = new ObjectMapper().readTree(done.prettify()).path("result");
        assertEquals(
                result,
                new ObjectMapper().readTree(done.getString("signedResult")),
                "without a by-hospital group, the result is the signed document");
        assertEquals(records, result.path("inputRecords").asInt());
        assertEquals(3, result.path("groups").size(), "age bands 2, 3, 4: " + result);
        for (JsonNode group : result.path("groups")) {
            assertEquals(4L * records, group.path("values").path("count").asLong(), result.toString());
        }
        assertEquals(1, done.getList("payouts").size());
        assertEquals(hospital, done.getString("payouts[0].organisation"));
        assertEquals(records, done.getInt("payouts[0].recordCount"));
        assertEquals(records * 5 / 2, done.getInt("payouts[0].amount"), "2.5 units a record, rounded down");
        return done;
    }
}
