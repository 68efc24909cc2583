package org.medshare.service.ledger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.ClaimType;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteSignature;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.consortium.Consortium;
import org.medshare.ledger.consortium.ConsortiumNode;
import org.medshare.ledger.consortium.NodeHttp;
import org.medshare.ledger.event.Event;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.testing.AuthorityKeys;

/**
 * The service as a client of a three-organisation ledger group (each node a Raft member and witness with its own
 * key and copy of the log): every event is committed by the group, every receipt carries a checkpoint made final by
 * the organisations' cosignatures, the service holds no key they trust, and with a quorum of nodes down a write is
 * refused with 503 and leaves nothing behind.
 */
@QuarkusTest
@TestProfile(ConsortiumLedgerTest.ConsortiumProfile.class)
@TestSecurity(user = "rita", roles = "regulator")
@OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
class ConsortiumLedgerTest {
    static final List<String> ORGANISATIONS = List.of("hospital-a", "hospital-b", "regulator-nhc");
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The service pointed at the nodes of {@link Nodes}. */
    public static class ConsortiumProfile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Nodes.class));
        }
    }

    /** Three organisations' nodes in this JVM on loopback, started before the service and stopped after it. */
    public static class Nodes implements QuarkusTestResourceLifecycleManager {
        static final Map<String, CheckpointSigner> KEYS = new LinkedHashMap<>();
        static final Map<String, ConsortiumNode> RUNNING = new LinkedHashMap<>();
        static final Map<String, NodeHttp> HTTP = new LinkedHashMap<>();
        static Consortium consortium;
        static Path dir;

        @Override
        public Map<String, String> start() {
            try {
                dir = Files.createTempDirectory(Path.of("target"), "consortium-nodes");
                StringBuilder text = new StringBuilder(
                        "origin medshare.test/consortium\ngroup " + UUID.randomUUID() + "\nsuite nist\n");
                for (String org : ORGANISATIONS) {
                    KEYS.put(org, NoteKeys.generateEd25519(org));
                    text.append("member ").append(org).append(" 127.0.0.1:").append(freePort());
                    text.append(" 127.0.0.1:").append(freePort()).append(' ');
                    text.append(KEYS.get(org).verifier().encode()).append('\n');
                }
                Path file = dir.resolve("consortium.txt");
                Files.writeString(file, text);
                consortium = Consortium.parse(text.toString());
                for (String org : ORGANISATIONS) {
                    startNode(org);
                }
                return Map.of(
                        "medshare.ledger.consortium", file.toString(), "medshare.ledger.group-timeout-ms", "3000");
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the consortium's nodes", e);
            }
        }

        static void startNode(String org) throws Exception {
            ConsortiumNode node = ConsortiumNode.start(
                    consortium, org, KEYS.get(org), dir.resolve(org), Duration.ofMillis(50), Duration.ofMillis(500));
            RUNNING.put(org, node);
            HTTP.put(org, NodeHttp.start(node, consortium.member(org).http()));
        }

        static void stopNode(String org) {
            HTTP.remove(org).close();
            try {
                RUNNING.remove(org).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            List.copyOf(RUNNING.keySet()).forEach(Nodes::stopNode);
        }

        static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
    }

    @Inject
    LedgerService ledger;

    @Inject
    AuditLog log;

    @Test
    void everyReceiptCarriesACheckpointTheOrganisationsMadeFinal() throws Exception {
        LedgerReceipt receipt =
                ledger.append(Event.organisationSuspended(1L, "test:rita", "hospital-q", "investigation"));
        ledger.append(Event.organisationReinstated(2L, "test:rita", "hospital-q"));
        SignedCheckpoint checkpoint = SignedCheckpoint.parse(receipt.checkpoint(), 32);
        Consortium consortium = Nodes.consortium;
        checkpoint.verifyQuorum(consortium.directory().verifiers(), consortium.quorum());
        Set<String> signers = checkpoint.note().signatures().stream()
                .map(NoteSignature::keyName)
                .collect(Collectors.toSet());
        assertTrue(Set.copyOf(ORGANISATIONS).containsAll(signers), "only the organisations sign: " + signers);
        assertEquals("medshare.test/consortium", checkpoint.checkpoint().origin());
        for (ConsortiumNode node : Nodes.RUNNING.values()) {
            assertTrue(node.awaitFinal(receipt.index() + 1, WAIT).isPresent(), node.organisation());
            assertArrayEquals(
                    log.readEncoded(receipt.index()),
                    node.log().readEncoded(receipt.index()),
                    node.organisation() + " holds the same entry");
        }
        for (SignedCheckpoint every : ledger.checkpoints()) {
            every.verifyQuorum(consortium.directory().verifiers(), consortium.quorum());
        }

        given().get("/api/v1/health/platform")
                .then()
                .statusCode(200)
                .body("ledger.replication", startsWith("consortium: 3 organisations' nodes"))
                .body("ledger.replication", containsString("WITHOUT TLS"))
                .body("ledger.origin", equalTo("medshare.test/consortium"))
                .body("ledger.members.size()", equalTo(3));
    }

    @Test
    void withAQuorumOfNodesDownAWriteIsRefusedWith503AndLeavesNothing() throws Exception {
        long before = ledger.size();
        Nodes.stopNode("hospital-b");
        Nodes.stopNode("regulator-nhc");
        try {
            given().contentType("application/json")
                    .body(Map.of("reason", "investigation"))
                    .put("/api/v1/suspensions/hospital-down")
                    .then()
                    .statusCode(503)
                    .header("Retry-After", "5")
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://medshare.example/problems/ledger-unavailable"));
            assertEquals(before, ledger.size(), "nothing was appended without the group");
            List<String> listed =
                    given().get("/api/v1/suspensions").then().extract().path("organisation");
            assertFalse(listed.contains("hospital-down"), "the refused suspension is not in force");
        } finally {
            Nodes.startNode("hospital-b");
            Nodes.startNode("regulator-nhc");
        }
        // once the organisations are back the same request is accepted
        assertEquals(
                200,
                onceTheGroupIsBack(() -> given().contentType("application/json")
                        .body(Map.of("reason", "investigation"))
                        .put("/api/v1/suspensions/hospital-down")));
        given().delete("/api/v1/suspensions/hospital-down").then().statusCode(200);
    }

    @Test
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(
            claims = {
                @Claim(key = "org_id", value = "hospital-a"),
                @Claim(key = "abe_attrs", value = "[\"role:physician\"]", type = ClaimType.JSON_ARRAY)
            })
    void withAQuorumOfNodesDownNoClinicianKeyIsIssuedAndTheGrantStaysUsable() throws Exception {
        Map<String, String> request = AuthorityKeys.testIdentityKeyRequest("hospital-a");
        long before = ledger.size();
        Nodes.stopNode("hospital-b");
        Nodes.stopNode("regulator-nhc");
        try {
            given().contentType("application/json")
                    .body(request)
                    .post("/api/v1/authority/keys")
                    .then()
                    .statusCode(503)
                    .header("Retry-After", "5")
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://medshare.example/problems/ledger-unavailable"));
            assertEquals(before, ledger.size(), "no KEY_ISSUED without the group");
        } finally {
            Nodes.startNode("hospital-b");
            Nodes.startNode("regulator-nhc");
        }
        // no key was issued, so the same grant is honoured once the organisations are back, and only once
        assertEquals(
                200,
                onceTheGroupIsBack(() ->
                        given().contentType("application/json").body(request).post("/api/v1/authority/keys")));
        given().contentType("application/json")
                .body(request)
                .post("/api/v1/authority/keys")
                .then()
                .statusCode(409)
                .body("type", equalTo("https://medshare.example/problems/grant-used"));
    }

    /** The status of {@code request}, repeated while it answers 503 for up to {@link #WAIT}. */
    static int onceTheGroupIsBack(Supplier<Response> request) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int status;
        do {
            status = request.get().statusCode();
        } while (status == 503 && System.nanoTime() < deadline);
        return status;
    }
}
