package org.medshare.service.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.Ed25519;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.keyrelease.PartyKeyList;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.testing.PartySigners;

/**
 * The operator's side of the trust boundary, read as an attacker who runs the service: with every key the service
 * holds (its data directory) or can make, it can neither get a clinician key issued nor a purpose key released,
 * because the key authority trusts only the parties' keys (the consortium's party keys file, each registered on the
 * ledger), and the service holds none of them. The same requests signed with the parties' own keys succeed.
 */
@QuarkusTest
class OperatorHoldsNoPartyKeyTest {
    private static final String UNTRUSTED = "KEY_RELEASE_APPROVAL_UNTRUSTED_APPROVER";

    @Inject
    EnclaveGateway gateway;

    @Inject
    PartyKeys parties;

    @Inject
    LedgerService ledger;

    @Inject
    MedshareConfig config;

    @Test
    void noKeyTheServiceHoldsIsAKeyTheAuthorityTrusts() throws Exception {
        gateway.enclaves();
        Map<Path, KeyPair> held = serviceKeys();
        assertFalse(held.isEmpty(), "the data directory holds the service's own keys (enclave vendor key at least)");
        Set<String> trusted = Set.copyOf(
                parties.all().stream().map(PartyKeyList.PartyKey::keyId).toList());
        assertTrue(trusted.size() >= 3, "the regulator's approval key and the hospitals' grant keys are trusted");
        held.forEach((file, key) -> assertFalse(
                trusted.contains(QueryApproval.keyIdOf(key.getPublic())),
                file + " holds a key the key authority trusts"));
        assertFalse(Files.exists(config.dataDir().resolve("enclave/approver.key")));
    }

    @Test
    void everyKeyTheAuthorityTrustsIsOnTheLedger() {
        gateway.enclaves();
        List<String> registered = ledger.entriesOfTypes(Set.of(EventType.PARTY_KEY_REGISTERED)).stream()
                .map(e -> e.event().id(Field.ORGANISATION) + " " + e.event().id(Field.ROLE) + " "
                        + e.event().id(Field.KEY_ID))
                .toList();
        for (PartyKeyList.PartyKey k : parties.all()) {
            assertTrue(
                    registered.contains(k.organisation() + " " + k.role() + " " + k.keyId()),
                    k.organisation() + "'s " + k.role() + " key is not on the ledger: " + registered);
        }
        assertEquals(parties.all().size(), registered.size(), "each key is registered once: " + registered);
    }

    @Test
    void theServiceCannotMintAClinicianKey() throws Exception {
        EmbeddedEnclaves enclaves = gateway.enclaves();
        byte[] own = KeyPairGenerator.getInstance("X25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        for (KeyPair signer : forgers()) {
            UserKeyGrant grant = UserKeyGrant.sign(
                    "hospital-a",
                    "hospital-a:operator",
                    Set.of("org:hospital-a@2026Q4"),
                    Instant.now().plusSeconds(60),
                    own,
                    signer);
            EnclaveCallException refused = assertThrows(
                    EnclaveCallException.class,
                    () -> enclaves.keyAuthority().issueUserKey(grant, nonce(), logged(grant)));
            assertEquals(UNTRUSTED, refused.code());
        }
        UserKeyGrant real = UserKeyGrant.sign(
                "hospital-a",
                "hospital-a:alice",
                Set.of("org:hospital-a@2026Q4"),
                Instant.now().plusSeconds(60),
                own,
                PartySigners.grantKey("hospital-a"));
        assertEquals(
                Set.of("org:hospital-a@2026Q4"),
                enclaves.keyAuthority()
                        .issueUserKey(real, nonce(), logged(real))
                        .issue()
                        .statement()
                        .attributes(),
                "hospital-a's own grant key gets its clinician a key");
    }

    @Test
    void theServiceCannotForgeAnApproval() throws Exception {
        EmbeddedEnclaves enclaves = gateway.enclaves();
        byte[] contentHash = new byte[32];
        new SecureRandom().nextBytes(contentHash);
        Set<String> purpose = Set.of("purpose:insurance-stats@2026Q4");
        for (KeyPair signer : forgers()) {
            QueryApproval forged = QueryApproval.sign(
                    "q-forged", contentHash, purpose, Instant.now().plusSeconds(60), signer);
            EnclaveCallException refused = assertThrows(
                    EnclaveCallException.class,
                    () -> enclaves.keyAuthority().releaseTo(enclaves.worker(), forged, logged(forged)));
            assertEquals(UNTRUSTED, refused.code());
        }
        QueryApproval real = QueryApproval.sign(
                "q-real", contentHash, purpose, Instant.now().plusSeconds(60), PartySigners.regulator());
        assertEquals(
                purpose,
                enclaves.keyAuthority()
                        .releaseTo(enclaves.worker(), real, logged(real))
                        .record()
                        .attributes(),
                "the regulator's own approval key releases the purpose key to the attested worker");
    }

    /** The grant's KEY_ISSUED, appended as the service appends it, with its proof for the authority. */
    private LedgerProof logged(UserKeyGrant grant) {
        return gateway.proofOf(ledger.append(Event.builder(EventType.KEY_ISSUED)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "key-authority")
                .id(Field.KEY_ID, HexFormat.of().formatHex(grant.hash()))
                .id(Field.RECIPIENT, grant.subject())
                .hash(Field.ATTRIBUTES_HASH, new byte[32])
                .build()));
    }

    /** The approval's QUERY_APPROVED, appended as the service appends it, with its proof for the authority. */
    private LedgerProof logged(QueryApproval approval) {
        return gateway.proofOf(ledger.append(Event.builder(EventType.QUERY_APPROVED)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "regulator-nhc")
                .id(Field.QUERY_ID, approval.queryId())
                .hash(Field.QUERY_HASH, new byte[32])
                .build()));
    }

    /** A key made on the spot, and every Ed25519 key of the service's data directory. */
    private List<KeyPair> forgers() throws Exception {
        List<KeyPair> out = new ArrayList<>(serviceKeys().values());
        out.add(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        return out;
    }

    /** Every file of the data directory that reads as an Ed25519 PKCS#8 private key, with its public half. */
    private Map<Path, KeyPair> serviceKeys() throws IOException {
        Map<Path, KeyPair> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(config.dataDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (Files.size(file) > 64) {
                    continue;
                }
                try {
                    out.put(file, Ed25519.keyPairOf(Files.readAllBytes(file)));
                } catch (GeneralSecurityException notAKey) {
                    // another kind of file
                }
            }
        }
        return out;
    }

    private static byte[] nonce() {
        byte[] n = new byte[32];
        new SecureRandom().nextBytes(n);
        return n;
    }
}
