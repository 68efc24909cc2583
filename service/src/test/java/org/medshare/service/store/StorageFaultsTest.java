package org.medshare.service.store;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.S3Organisations;
import org.medshare.store.Cid;
import org.medshare.store.Manifest;
import org.medshare.store.ShardStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Storage faults with every shard on the S3 endpoints of four organisations (S3Proxy, one per organisation): RS(4,2)
 * keeps at most two shards of a stripe at one organisation, so uploads succeed with one organisation down and are
 * refused (503, nothing stored) with two down; reads give the same bytes with an organisation down; a truncated shard
 * is detected by its CID and repaired; an endpoint that comes back after repair leaves no duplicate after GC.
 */
@QuarkusTest
@TestProfile(StorageFaultsTest.FourOrganisations.class)
class StorageFaultsTest {
    static final String HOSPITAL = "hospital-faults";

    /** Shards on four organisations' S3 endpoints. */
    public static class FourOrganisations implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(S3Organisations.class, Map.of("organisations", "org-a,org-b,org-c,org-d")));
        }
    }

    @Inject
    ShardStore store;

    private final S3Organisations orgs = S3Organisations.instance();

    @AfterEach
    void everyEndpointBackUp() throws Exception {
        for (S3Organisations.Endpoint e : orgs.endpoints()) {
            if (!e.running()) {
                e.start();
            }
        }
        store.probeNodes();
    }

    private HospitalClient hospital() throws Exception {
        return HospitalClient.registered(HOSPITAL, null);
    }

    private static HospitalClient.Upload upload(HospitalClient hospital) {
        return hospital.upload(
                UUID.randomUUID().toString(),
                "org:" + HOSPITAL + "@2026Q4",
                "{\"resourceType\":\"Bundle\",\"id\":\"" + UUID.randomUUID() + "\"}",
                100,
                hospital.hospitalNumber());
    }

    private Manifest manifestOf(String recordId) {
        String cid = given().get("/api/v1/records/" + recordId)
                .then()
                .statusCode(200)
                .extract()
                .path("envelopeCid");
        return store.manifest(Cid.parse(cid)).orElseThrow();
    }

    private S3Organisations.Endpoint anEndpointHoldingStripeZero(Manifest m) {
        return orgs.endpoints().stream()
                .filter(e -> perNode(m, 0).containsKey(e.nodeId()))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, Integer> perNode(Manifest m, int stripe) {
        Map<String, Integer> counts = new HashMap<>();
        for (Manifest.ShardRef ref : m.stripe(stripe)) {
            counts.merge(ref.nodeId(), 1, Integer::sum);
        }
        return counts;
    }

    /** The objects on every endpoint that runs. */
    private Set<String> objectsEverywhere() {
        Set<String> all = new TreeSet<>();
        for (S3Organisations.Endpoint e : orgs.endpoints()) {
            if (!e.running()) {
                continue;
            }
            e.objectKeys().forEach(k -> all.add(e.nodeId() + "/" + k));
        }
        return all;
    }

    private Set<String> shardsTheCatalogReferences() {
        Set<String> all = new TreeSet<>();
        for (Cid record : store.records()) {
            Manifest m = store.manifest(record).orElseThrow();
            for (int s = 0; s < m.stripeCount(); s++) {
                m.stripe(s).forEach(ref -> all.add(ref.nodeId() + "/shards/" + ref.cid()));
            }
        }
        return all;
    }

    @Test
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void oneOrganisationDownStillStoresAndReadsTwoDownRefusesAndStoresNothing() throws Exception {
        HospitalClient hospital = hospital();
        HospitalClient.Upload first = upload(hospital);
        String stored = first.post().then().statusCode(201).extract().path("record.recordId");
        S3Organisations.Endpoint holder = anEndpointHoldingStripeZero(manifestOf(stored));

        holder.stop();
        byte[] read = given().get("/api/v1/records/" + stored + "/ciphertext")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        assertArrayEquals(first.envelope, read, "the same ciphertext with " + holder.organisation() + " down");

        String second = upload(hospital).post().then().statusCode(201).extract().path("record.recordId");
        Manifest placed = manifestOf(second);
        for (int s = 0; s < placed.stripeCount(); s++) {
            Map<String, Integer> counts = perNode(placed, s);
            assertFalse(counts.containsKey(holder.nodeId()), "nothing on the organisation that is down: " + counts);
            counts.values().forEach(c -> assertTrue(c <= 2, "at most n - k per organisation: " + counts));
        }

        S3Organisations.Endpoint other =
                orgs.endpoints().stream().filter(e -> e != holder).findFirst().orElseThrow();
        other.stop();
        Set<String> objectsBefore = objectsEverywhere();
        List<Cid> recordsBefore = store.records();
        int listedBefore =
                given().get("/api/v1/records").then().statusCode(200).extract().path("size()");
        upload(hospital)
                .post()
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.endsWith("storage-unavailable"));
        assertEquals(recordsBefore, store.records(), "no record committed");
        assertEquals(objectsBefore, objectsEverywhere(), "no shard left behind on the endpoints that answer");
        assertEquals(listedBefore, (int)
                given().get("/api/v1/records").then().extract().path("size()"));
    }

    @Test
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void aTruncatedShardIsDetectedByItsCidAndRepaired() throws Exception {
        HospitalClient hospital = hospital();
        HospitalClient.Upload upload = upload(hospital);
        String recordId = upload.post().then().statusCode(201).extract().path("record.recordId");
        Manifest m = manifestOf(recordId);
        Manifest.ShardRef victim = m.stripe(0).get(0);
        S3Organisations.Endpoint holder = orgs.endpoints().stream()
                .filter(e -> e.nodeId().equals(victim.nodeId()))
                .findFirst()
                .orElseThrow();
        byte[] good;
        try (S3Client c = holder.client()) {
            String key = "shards/" + victim.cid();
            good = c.getObjectAsBytes(b -> b.bucket(S3Organisations.BUCKET).key(key))
                    .asByteArray();
            c.putObject(
                    b -> b.bucket(S3Organisations.BUCKET).key(key),
                    RequestBody.fromBytes(Arrays.copyOf(good, good.length / 2)));
        }
        long corruptBefore = store.corruptShardsDetectedOnRead();
        byte[] read = given().get("/api/v1/records/" + recordId + "/ciphertext")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        assertArrayEquals(upload.envelope, read);
        assertEquals(corruptBefore + 1, store.corruptShardsDetectedOnRead(), "the truncated shard failed its CID");

        assertTrue(store.repair().shardsRebuilt() >= 1);
        try (S3Client c = holder.client()) {
            byte[] repaired = c.getObjectAsBytes(
                            b -> b.bucket(S3Organisations.BUCKET).key("shards/" + victim.cid()))
                    .asByteArray();
            assertEquals(victim.cid(), Cid.of(repaired, 0, repaired.length), "rewritten whole");
        }
    }

    @Test
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void anEndpointBackAfterRepairLeavesNoDuplicateShardsAfterGarbageCollection() throws Exception {
        HospitalClient.Upload upload = upload(hospital());
        String recordId = upload.post().then().statusCode(201).extract().path("record.recordId");
        S3Organisations.Endpoint lost = anEndpointHoldingStripeZero(manifestOf(recordId));
        lost.stop();
        for (int i = 0; i < 5 && store.health().isUp(lost.nodeId()); i++) {
            store.repair();
        }
        assertFalse(store.health().isUp(lost.nodeId()));
        store.repair();
        Manifest after = manifestOf(recordId);
        for (int s = 0; s < after.stripeCount(); s++) {
            Map<String, Integer> counts = perNode(after, s);
            assertFalse(counts.containsKey(lost.nodeId()), "repaired away from the lost organisation: " + counts);
            counts.values().forEach(c -> assertTrue(c <= 2, "at most n - k per organisation: " + counts));
        }

        lost.start();
        assertTrue(store.probeNodes().contains(lost.nodeId()));
        assertFalse(lost.objectKeys().isEmpty(), "the stale copies are back with the endpoint");
        store.collectGarbage();
        assertEquals(shardsTheCatalogReferences(), objectsEverywhere(), "every shard stored exactly where referenced");
        byte[] read = given().get("/api/v1/records/" + recordId + "/ciphertext")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        assertArrayEquals(upload.envelope, read);
    }
}
