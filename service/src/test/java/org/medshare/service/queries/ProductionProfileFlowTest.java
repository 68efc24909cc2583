package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.TrustedKeys;
import org.medshare.ledger.verify.VerificationReport;
import org.medshare.service.testing.PostgresProfile;
import org.medshare.service.testing.S3Organisations;
import org.medshare.store.Cid;
import org.medshare.store.Manifest;
import org.medshare.store.ShardStore;

/**
 * The production profile end to end: PostgreSQL (schema {@value ProductionStorage#SCHEMA}) and every shard on the
 * S3-compatible endpoints of three organisations ({@link S3Organisations}), through the whole {@link ApprovalFlowTest}
 * (upload, consent, approval, enclave computation, payment), then the ledger verified offline as
 * {@code medshare audit verify} does, and the placement rule checked on what the endpoints hold.
 */
@QuarkusTest
@Tag("postgres")
@TestProfile(ProductionProfileFlowTest.ProductionStorage.class)
class ProductionProfileFlowTest extends ApprovalFlowTest {

    /** PostgreSQL in a schema of this test's own, shards at three organisations' S3 endpoints. */
    public static class ProductionStorage extends PostgresProfile {
        static final String SCHEMA = "medshare_production_test";

        @Override
        protected String schema() {
            return SCHEMA;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3Organisations.class));
        }
    }

    @Inject
    ShardStore store;

    @ConfigProperty(name = "medshare.data-dir")
    String dataDir;

    @Test
    @Order(100)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void theLedgerVerifiesOfflineAndEveryOrganisationHoldsShardsButNeverEnoughToRebuild() throws Exception {
        VerificationReport report = LedgerVerifier.verify(
                Path.of(dataDir, "ledger"),
                TrustedKeys.read(Path.of(dataDir, "ledger-keys", "member.vkey")),
                1,
                List.of());
        assertTrue(report.ok(), report.summary());

        S3Organisations orgs = S3Organisations.instance();
        Map<String, Set<String>> held = new HashMap<>();
        for (S3Organisations.Endpoint e : orgs.endpoints()) {
            held.put(e.nodeId(), new HashSet<>(e.objectKeys()));
        }
        List<Cid> records = store.records();
        assertFalse(records.isEmpty());
        for (Cid record : records) {
            Manifest m = store.manifest(record).orElseThrow();
            for (int s = 0; s < m.stripeCount(); s++) {
                Map<String, Integer> perNode = new HashMap<>();
                for (Manifest.ShardRef ref : m.stripe(s)) {
                    assertTrue(
                            held.containsKey(ref.nodeId())
                                    && held.get(ref.nodeId()).contains("shards/" + ref.cid()),
                            "shard " + ref.cid() + " is at " + ref.nodeId());
                    perNode.merge(ref.nodeId(), 1, Integer::sum);
                }
                assertEquals(3, perNode.size(), "every organisation holds shards of stripe " + s + ": " + perNode);
                perNode.values().forEach(c -> assertTrue(c <= 2, "at most n - k per organisation: " + perNode));
            }
        }
        assertFalse(Files.exists(Path.of(dataDir, "store", "node-0")), "no local shard directory");

        JsonPath health = given().get("/api/v1/health/platform")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(2, health.getInt("store.maxShardsPerOrganisation"));
        assertEquals(S3Organisations.ORGANISATIONS, health.getList("store.organisations.organisation"));
        assertEquals(List.of("s3", "s3", "s3"), health.getList("store.nodes.backend"));
        String body = given().get("/api/v1/health/platform").asString();
        for (S3Organisations.Endpoint e : orgs.endpoints()) {
            assertFalse(body.contains("secret-" + e.organisation()), "no credential on the health page");
            assertTrue(
                    health.getInt("store.organisations.find { it.organisation == '" + e.organisation() + "' }.shards")
                            > 0);
        }
    }
}
