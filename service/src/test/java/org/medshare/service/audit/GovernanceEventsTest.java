package org.medshare.service.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.SigningKeys;
import org.medshare.ledger.event.DataUseRules;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.problem.Problem;

/**
 * Governance changes a regulator must be able to see are on the ledger: a hospital's signing-key revocation
 * (SIGNING_KEY_REVOKED, once) and every change of its data-use rules (DATA_USE_RULES_CHANGED, with the rules in
 * force). A revoked key cannot be registered again.
 */
@QuarkusTest
class GovernanceEventsTest {

    @Inject
    LedgerService ledger;

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-gov"))
    void revokingASigningKeyIsOnTheLedgerOnceAndTheKeyCannotComeBack() throws Exception {
        KeyPair key = SigningKeys.generate(Suite.NIST);
        String publicKey = Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
        String keyId = given().contentType("application/json")
                .body(Map.of("publicKey", publicKey))
                .post("/api/v1/signing-keys")
                .then()
                .statusCode(200)
                .extract()
                .path("keyId");
        int before = revocationsOf(keyId).size();
        given().delete("/api/v1/signing-keys/" + keyId).then().statusCode(200);
        given().delete("/api/v1/signing-keys/" + keyId).then().statusCode(200);
        List<LedgerEntry> revocations = revocationsOf(keyId);
        assertEquals(before + 1, revocations.size(), "one event, however often it is revoked");
        assertEquals("hospital-gov", revocations.get(0).event().id(Field.ACTOR));

        long size = ledger.size();
        given().contentType("application/json")
                .body(Map.of("publicKey", publicKey))
                .post("/api/v1/signing-keys")
                .then()
                .statusCode(409)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.TYPE_BASE + "key-revoked"));
        given().get("/api/v1/signing-keys")
                .then()
                .statusCode(200)
                .body("find { it.keyId == '" + keyId + "' }.revokedAt", notNullValue());
        assertEquals(size, ledger.size(), "the refusal appended nothing");
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-rules"))
    void everyChangeOfDataUseRulesIsOnTheLedgerWithTheRulesInForce() throws Exception {
        int before = ruleChanges().size();
        put(List.of("research/count-by-sex", "insurance-stats/*"));
        put(List.of("insurance-stats/*", "research/count-by-sex"));
        put(List.of());
        List<LedgerEntry> changes = ruleChanges();
        assertEquals(before + 2, changes.size(), "the same rules again change nothing and append nothing");
        assertEquals(
                List.of("insurance-stats/*", "research/count-by-sex"),
                DataUseRules.decode(changes.get(before).event().data(Field.RULES)));
        assertEquals("[]", new String(changes.get(before + 1).event().data(Field.RULES), StandardCharsets.US_ASCII));

        long size = ledger.size();
        given().contentType("application/json")
                .body(Map.of("rules", List.of("not a rule")))
                .put("/api/v1/data-use-rules")
                .then()
                .statusCode(400);
        assertEquals(size, ledger.size(), "a refused change appends nothing");
    }

    private static void put(List<String> rules) {
        given().contentType("application/json")
                .body(Map.of("rules", rules))
                .put("/api/v1/data-use-rules")
                .then()
                .statusCode(200);
    }

    private List<LedgerEntry> revocationsOf(String keyId) {
        return ledger.entriesOfTypes(Set.of(EventType.SIGNING_KEY_REVOKED)).stream()
                .filter(e -> e.event().id(Field.KEY_ID).equals(keyId))
                .toList();
    }

    private List<LedgerEntry> ruleChanges() {
        return ledger.entriesOfTypes(Set.of(EventType.DATA_USE_RULES_CHANGED)).stream()
                .filter(e -> e.event().id(Field.ACTOR).equals("hospital-rules"))
                .toList();
    }
}
