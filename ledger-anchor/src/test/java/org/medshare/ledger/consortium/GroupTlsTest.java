package org.medshare.ledger.consortium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.replication.GroupClient;
import org.medshare.ledger.replication.GroupTls;

/**
 * Three organisations' nodes whose Raft group runs with mutual TLS under the consortium's transport root: a party
 * with a certificate from that root appends; a client without TLS, or with a certificate from another root, appends
 * nothing; a node or replica without its certificate does not start.
 */
class GroupTlsTest {
    static final List<String> ORGANISATIONS = List.of("hospital-a", "hospital-b", "regulator-nhc");
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    Nodes nodes;

    @AfterEach
    void stop() throws IOException {
        if (nodes != null) {
            nodes.close();
        }
    }

    private GroupClient client(GroupTls tls) {
        Consortium c = nodes.consortium;
        return GroupClient.connect(c.groupId(), c.raftPeers(), tls, Duration.ofSeconds(2), Duration.ofSeconds(6));
    }

    private static GroupTls party(TransportCa ca, String name) throws GeneralSecurityException {
        TransportCa.Issued issued = ca.issue(name, List.of());
        return GroupTls.of(issued.key(), issued.certificate(), ca.root());
    }

    @Test
    void onlyHoldersOfACertificateFromTheConsortiumsRootCanAppend() throws Exception {
        TransportCa ca = TransportCa.create("test-consortium");
        nodes = new Nodes(dir, ORGANISATIONS, ca);
        nodes.startAll();

        try (GroupClient service = client(party(ca, "service"))) {
            assertEquals(0, service.append(Nodes.encoded(Nodes.uploads(0, 5))));
        }
        for (ConsortiumNode node : nodes.running.values()) {
            assertEquals(5, node.awaitFinal(5, WAIT).orElseThrow().checkpoint().size(), node.organisation());
        }

        try (GroupClient plaintext = client(null)) {
            assertThrows(IOException.class, () -> plaintext.append(Nodes.encoded(Nodes.uploads(5, 6))));
        }
        TransportCa stranger = TransportCa.create("test-consortium");
        try (GroupClient impostor = client(party(stranger, "service"))) {
            assertThrows(IOException.class, () -> impostor.append(Nodes.encoded(Nodes.uploads(5, 6))));
        }
        for (ConsortiumNode node : nodes.running.values()) {
            assertEquals(5, node.log().size(), "nothing appended at " + node.organisation());
        }

        try (GroupClient service = client(party(ca, "service"))) {
            assertEquals(5, service.append(Nodes.encoded(Nodes.uploads(5, 7))));
        }
    }

    @Test
    void aPartyWithoutTheTransportTheConsortiumPinsDoesNotStart() throws Exception {
        TransportCa ca = TransportCa.create("test-consortium");
        nodes = new Nodes(dir, ORGANISATIONS, ca);
        Consortium consortium = nodes.consortium;
        IllegalArgumentException plain = assertThrows(
                IllegalArgumentException.class,
                () -> ConsortiumNode.start(
                        consortium,
                        "hospital-a",
                        nodes.keys.get("hospital-a"),
                        null,
                        dir.resolve("a"),
                        Duration.ofMillis(100),
                        Duration.ofMillis(500)));
        assertTrue(plain.getMessage().contains("mutual TLS"), plain.getMessage());
        IllegalArgumentException foreign = assertThrows(
                IllegalArgumentException.class,
                () -> ConsortiumReplica.open(
                        consortium,
                        dir.resolve("replica"),
                        new ConsortiumReplica.Timing(
                                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100)),
                        party(TransportCa.create("other"), "service")));
        assertTrue(foreign.getMessage().contains("tls-root"), foreign.getMessage());

        TransportCa.Issued issued = ca.issue("service", List.of());
        assertThrows(
                GeneralSecurityException.class,
                () -> GroupTls.of(issued.key(), ca.issue("service", List.of()).certificate(), ca.root()),
                "a key that is not the certificate's");
        assertThrows(
                GeneralSecurityException.class,
                () -> GroupTls.of(
                        issued.key(),
                        issued.certificate(),
                        TransportCa.create("other").root()),
                "a certificate the root did not issue");
    }

    @Test
    void theTransportRootRoundTripsThroughPemAndIssuesCertificatesForItsHostsOnly() throws Exception {
        TransportCa ca = TransportCa.create("test-consortium");
        TransportCa loaded = TransportCa.load(ca.keyPem(), ca.rootPem());
        assertEquals(ca.root(), loaded.root());
        TransportCa.Issued issued = loaded.issue("hospital-a", List.of("127.0.0.1", "node-a.example"));
        issued.certificate().verify(ca.root().getPublicKey());
        assertEquals(
                List.of(List.of(7, "127.0.0.1"), List.of(2, "node-a.example")),
                issued.certificate().getSubjectAlternativeNames().stream()
                        .map(List::copyOf)
                        .toList());
        assertTrue(issued.certificate()
                .getExtendedKeyUsage()
                .containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
        assertThrows(
                GeneralSecurityException.class,
                () -> TransportCa.load(TransportCa.create("other").keyPem(), ca.rootPem()),
                "a key that is not the root's");
        assertThrows(IllegalArgumentException.class, () -> ca.issue("../escape", List.of()));
        assertThrows(IllegalArgumentException.class, () -> ca.issue("b", List.of("no host!")));
        assertTrue(
                issued.toString().contains("hospital-a") && !issued.toString().contains("PRIVATE"));
    }
}
