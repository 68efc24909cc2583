package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.HospitalDisclosureLimits;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.problem.Problem;

/**
 * A hospital's own disclosure limits through {@code GET/PUT /api/v1/disclosure-limits}: none until it sets some; a
 * change is on the ledger once as DISCLOSURE_LIMITS_CHANGED with the limits in force; the same limits again append
 * nothing; every invalid body is refused with 400 {@code invalid-disclosure-limits} and changes nothing.
 */
@QuarkusTest
class DisclosureLimitsTest {

    static final String HOSPITAL = "hospital-limits";
    static final String FRESH = "hospital-limits-fresh";

    @Inject
    LedgerService ledger;

    @Test
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = FRESH))
    void aHospitalThatNeverSetLimitsHasNone() {
        given().get("/api/v1/disclosure-limits")
                .then()
                .statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.TYPE_BASE + "no-disclosure-limits"));
    }

    @Test
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void limitsAreSetReadAndOnTheLedgerOncePerChange() {
        int before = changes().size();
        put("{\"minGroupSize\":20,\"maxEpsilonPerQuery\":0.5,\"maxRowsPerPatient\":3,\"noiseRequired\":true,"
                        + "\"allowedAggregates\":[\"mean\",\"count\"],\"allowedFields\":[\"sex\",\"claim\"]}")
                .statusCode(200)
                .body("minGroupSize", equalTo(20))
                .body("maxEpsilonPerQuery", equalTo(0.5f))
                .body("maxRowsPerPatient", equalTo(3))
                .body("noiseRequired", equalTo(true))
                .body("allowedAggregates", equalTo(List.of("count", "mean")))
                .body("allowedFields", equalTo(List.of("claim", "sex")));
        given().get("/api/v1/disclosure-limits")
                .then()
                .statusCode(200)
                .body("minGroupSize", equalTo(20))
                .body("allowedAggregates", equalTo(List.of("count", "mean")));
        put("{\"minGroupSize\":20,\"maxEpsilonPerQuery\":0.5,\"maxRowsPerPatient\":3,\"noiseRequired\":true,"
                        + "\"allowedAggregates\":[\"count\",\"mean\"],\"allowedFields\":[\"claim\",\"sex\"]}")
                .statusCode(200);
        List<LedgerEntry> once = changes();
        assertEquals(before + 1, once.size(), "the same limits again append nothing");
        assertEquals(
                new HospitalDisclosureLimits(
                        20, OptionalLong.of(500_000), 3, true, List.of("count", "mean"), List.of("claim", "sex")),
                decoded(once.get(before)));

        put("{\"minGroupSize\":12}")
                .statusCode(200)
                .body("maxEpsilonPerQuery", nullValue())
                .body("maxRowsPerPatient", equalTo(1000))
                .body("noiseRequired", equalTo(false))
                .body("allowedAggregates", equalTo(List.of()))
                .body("allowedFields", equalTo(List.of()));
        List<LedgerEntry> twice = changes();
        assertEquals(before + 2, twice.size());
        assertEquals(
                new HospitalDisclosureLimits(12, OptionalLong.empty(), 1000, false, List.of(), List.of()),
                decoded(twice.get(before + 1)));
        assertEquals(HOSPITAL, twice.get(before + 1).event().id(Field.ACTOR));
    }

    @Test
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-limits-refused"))
    void invalidLimitsAreRefusedAndChangeNothing() {
        put("{\"minGroupSize\":15,\"maxEpsilonPerQuery\":0}").statusCode(200).body("maxEpsilonPerQuery", equalTo(0f));
        long size = ledger.size();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("no-k", "{\"maxEpsilonPerQuery\":0.5}");
        bad.put("k-1", "{\"minGroupSize\":1}");
        bad.put("k-too-large", "{\"minGroupSize\":1000001}");
        bad.put("negative-epsilon", "{\"minGroupSize\":15,\"maxEpsilonPerQuery\":-0.1}");
        bad.put("epsilon-below-a-micro", "{\"minGroupSize\":15,\"maxEpsilonPerQuery\":1e-9}");
        bad.put("epsilon-too-large", "{\"minGroupSize\":15,\"maxEpsilonPerQuery\":1e7}");
        bad.put("rows-0", "{\"minGroupSize\":15,\"maxRowsPerPatient\":0}");
        bad.put("rows-1001", "{\"minGroupSize\":15,\"maxRowsPerPatient\":1001}");
        bad.put("unknown-aggregate", "{\"minGroupSize\":15,\"allowedAggregates\":[\"median\"]}");
        bad.put("upper-case-aggregate", "{\"minGroupSize\":15,\"allowedAggregates\":[\"COUNT\"]}");
        bad.put("repeated-aggregate", "{\"minGroupSize\":15,\"allowedAggregates\":[\"count\",\"count\"]}");
        bad.put("null-aggregate", "{\"minGroupSize\":15,\"allowedAggregates\":[null]}");
        bad.put("unknown-field", "{\"minGroupSize\":15,\"allowedFields\":[\"name\"]}");
        bad.put("repeated-field", "{\"minGroupSize\":15,\"allowedFields\":[\"sex\",\"sex\"]}");
        List<String> accepted = new ArrayList<>();
        bad.forEach((name, body) -> {
            int status = put(body).extract().statusCode();
            if (status != 400) {
                accepted.add(name + ": " + status);
            } else {
                put(body)
                        .contentType(Problem.MEDIA_TYPE)
                        .body("type", equalTo(Problem.TYPE_BASE + "invalid-disclosure-limits"));
            }
        });
        assertEquals(List.of(), accepted);
        assertEquals(size, ledger.size(), "refused changes append nothing");
        given().get("/api/v1/disclosure-limits")
                .then()
                .statusCode(200)
                .body("minGroupSize", equalTo(15))
                .body("maxEpsilonPerQuery", equalTo(0f));
        put("{\"minGroupSize\":15,\"allowedAggregates\":[\"median\"]}")
                .body("detail", containsString("count, sum, mean, variance, histogram, quantiles, ols, logistic"));
    }

    @Test
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "insurer-limits"))
    void onlyHospitalsHaveDisclosureLimits() {
        given().get("/api/v1/disclosure-limits").then().statusCode(403);
        put("{\"minGroupSize\":15}").statusCode(403);
    }

    private static ValidatableResponse put(String body) {
        return given().contentType("application/json")
                .body(body)
                .put("/api/v1/disclosure-limits")
                .then();
    }

    private static HospitalDisclosureLimits decoded(LedgerEntry entry) {
        try {
            return HospitalDisclosureLimits.decode(entry.event().data(Field.LIMITS));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<LedgerEntry> changes() {
        return ledger.entriesOfTypes(Set.of(EventType.DISCLOSURE_LIMITS_CHANGED)).stream()
                .filter(e -> e.event().id(Field.ACTOR).equals(HOSPITAL))
                .toList();
    }
}
