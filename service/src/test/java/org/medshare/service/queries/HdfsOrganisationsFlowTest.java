package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.TrustedKeys;
import org.medshare.ledger.verify.VerificationReport;
import org.medshare.service.testing.HdfsOrganisations;
import org.medshare.store.Cid;
import org.medshare.store.Manifest;

/**
 * The whole {@link ApprovalFlowTest} (upload, consent, approval, enclave computation, payment, erasure) with every
 * shard on HDFS: three organisations' directories on a real MiniDFSCluster ({@link HdfsOrganisations}), configured as
 * {@code backend=hdfs} nodes. Then the ledger verifies offline as {@code medshare audit verify} does, every shard
 * the catalog references is a file in its organisation's directory, at most two of a stripe per organisation, and
 * the health page shows the HDFS nodes by organisation with their weights.
 */
@QuarkusTest
@TestProfile(HdfsOrganisationsFlowTest.HdfsStorage.class)
class HdfsOrganisationsFlowTest extends ApprovalFlowTest {

    /** Shards at three organisations' HDFS directories. */
    public static class HdfsStorage implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(HdfsOrganisations.class));
        }

        /** The in-process NameNode and DataNode log every operation at INFO. */
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"org.apache.hadoop\".level", "WARN");
        }
    }

    @ConfigProperty(name = "medshare.data-dir")
    String dataDir;

    @Test
    @Order(100)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void theLedgerVerifiesOfflineAndEveryOrganisationsHdfsDirectoryHoldsShardsButNeverEnoughToRebuild()
            throws Exception {
        VerificationReport report = LedgerVerifier.verify(
                Path.of(dataDir, "ledger"),
                TrustedKeys.read(Path.of(dataDir, "ledger-keys", "member.vkey")),
                1,
                List.of());
        assertTrue(report.ok(), report.summary());

        HdfsOrganisations hdfs = HdfsOrganisations.instance();
        Map<String, Set<String>> held = new HashMap<>();
        for (String org : HdfsOrganisations.ORGANISATIONS) {
            held.put(HdfsOrganisations.nodeId(org), hdfs.fileNames(org));
        }
        List<Cid> records = store.records();
        assertFalse(records.isEmpty());
        for (Cid record : records) {
            Manifest m = store.manifest(record).orElseThrow();
            for (int s = 0; s < m.stripeCount(); s++) {
                Map<String, Integer> perNode = new HashMap<>();
                for (Manifest.ShardRef ref : m.stripe(s)) {
                    assertTrue(
                            held.getOrDefault(ref.nodeId(), Set.of())
                                    .contains(ref.cid().toString()),
                            "shard " + ref.cid() + " is a file at " + ref.nodeId());
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
        assertEquals(HdfsOrganisations.ORGANISATIONS, health.getList("store.organisations.organisation"));
        assertEquals(List.of("hdfs", "hdfs", "hdfs"), health.getList("store.nodes.backend"));
        for (String org : HdfsOrganisations.ORGANISATIONS) {
            String node = "store.nodes.find { it.id == '" + HdfsOrganisations.nodeId(org) + "' }";
            assertTrue(health.getBoolean(node + ".up"));
            assertTrue(health.getString(node + ".location").endsWith(HdfsOrganisations.directory(org)));
            assertEquals(HdfsOrganisations.weight(org), health.getDouble(node + ".weight"));
            assertTrue(health.getInt("store.organisations.find { it.organisation == '" + org + "' }.shards") > 0);
        }
    }
}
