package org.medshare.ledger.consortium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.NoteKeys;

class ConsortiumTest {
    static final String GROUP = "3f0c6a5e-6b0b-4c67-9a53-0d1f2a7c9b10";

    static String memberLine(String org, int port) throws Exception {
        return "member " + org + " 127.0.0.1:" + port + " 127.0.0.1:" + (port + 1) + " "
                + NoteKeys.generateEd25519(org).verifier().encode() + "\n";
    }

    static String threeMembers() throws Exception {
        return "# sample\norigin medshare.test/consortium\ngroup " + GROUP + "\nsuite nist\n\n"
                + memberLine("hospital-a", 19000) + memberLine("hospital-b", 19010)
                + memberLine("regulator-nhc", 19020);
    }

    @Test
    void parsesMembersInOrderWithAMajorityQuorumByDefault() throws Exception {
        Consortium c = Consortium.parse(threeMembers());
        assertEquals("medshare.test/consortium", c.origin());
        assertEquals(LedgerSuite.NIST, c.suite());
        assertEquals(2, c.quorum());
        assertEquals(
                List.of("hospital-a", "hospital-b", "regulator-nhc"),
                c.members().stream().map(Consortium.Member::organisation).toList());
        assertEquals(19010, c.member("hospital-b").raft().getPort());
        assertEquals(19011, c.member("hospital-b").http().getPort());
        assertEquals(c.raftPeers().keySet(), c.directory().members());
    }

    @Test
    void anExplicitQuorumMayBeUnanimous() throws Exception {
        assertEquals(3, Consortium.parse(threeMembers() + "quorum 3\n").quorum());
    }

    @Test
    void refusesAQuorumBelowAMajorityOrAboveTheMembers() throws Exception {
        IllegalArgumentException minority =
                assertThrows(IllegalArgumentException.class, () -> Consortium.parse(threeMembers() + "quorum 1\n"));
        assertTrue(minority.getMessage().contains("majority"), minority.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Consortium.parse(threeMembers() + "quorum 4\n"));
    }

    @Test
    void refusesAKeyNotNamedByItsOrganisation() throws Exception {
        String text = "origin o\ngroup " + GROUP + "\nsuite nist\nmember hospital-a 127.0.0.1:1 127.0.0.1:2 "
                + NoteKeys.generateEd25519("someone-else").verifier().encode() + "\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Consortium.parse(text));
        assertTrue(e.getMessage().contains("named someone-else"), e.getMessage());
    }

    @Test
    void refusesAnOrganisationListedTwiceOrAReusedAddress() throws Exception {
        String head = "origin o\ngroup " + GROUP + "\nsuite nist\n";
        assertThrows(
                IllegalArgumentException.class,
                () -> Consortium.parse(head + memberLine("hospital-a", 19000) + memberLine("hospital-a", 19010)));
        IllegalArgumentException reused = assertThrows(
                IllegalArgumentException.class,
                () -> Consortium.parse(head + memberLine("hospital-a", 19000) + memberLine("hospital-b", 19001)));
        assertTrue(reused.getMessage().contains("reuses an address"), reused.getMessage());
    }

    @Test
    void namesTheLineOfAMalformedDirective() throws Exception {
        String text = threeMembers().replace("suite nist", "suite nist extra");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Consortium.parse(text));
        assertTrue(e.getMessage().startsWith("line 4: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Consortium.parse(threeMembers() + "colour blue\n"));
        assertThrows(IllegalArgumentException.class, () -> Consortium.parse(threeMembers() + "group " + GROUP));
        assertThrows(
                IllegalArgumentException.class,
                () -> Consortium.parse(threeMembers().replace("127.0.0.1:19000", "127.0.0.1:99999")));
        assertThrows(IllegalArgumentException.class, () -> Consortium.parse("origin o\nsuite nist\n"));
    }

    @Test
    void anUnknownMemberIsRefusedByName() throws Exception {
        Consortium c = Consortium.parse(threeMembers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.member("insurer-x"));
        assertTrue(e.getMessage().contains("insurer-x"));
    }

    @Test
    void aTlsRootIsPinnedOnceAndMustBeAValidSelfSignedCertificate() throws Exception {
        TransportCa ca = TransportCa.create("test-consortium");
        String root = "tls-root " + Base64.getEncoder().encodeToString(ca.root().getEncoded()) + "\n";
        assertTrue(Consortium.parse(threeMembers()).transportRoot().isEmpty());
        assertEquals(
                ca.root(),
                Consortium.parse(threeMembers() + root).transportRoot().orElseThrow());

        byte[] issued = ca.issue("hospital-a", List.of()).certificate().getEncoded();
        for (String bad : List.of(
                "tls-root %%%\n",
                "tls-root " + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}) + "\n",
                "tls-root " + Base64.getEncoder().encodeToString(issued) + "\n",
                root + root)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Consortium.parse(threeMembers() + bad), bad);
            assertTrue(e.getMessage().matches("line (9|10): tls-root .*"), e.getMessage());
        }
    }
}
