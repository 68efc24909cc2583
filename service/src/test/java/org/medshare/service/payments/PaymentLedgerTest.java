package org.medshare.service.payments;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.verify.ContractReplay;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.TrustedKeys;
import org.medshare.ledger.verify.VerificationReport;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The ledger is the contract's only record: every deposit and settlement the service makes is a
 * CONTRACT_CALL on the ledger (with its state root), payouts follow as PAYMENT events, and re-executing
 * the ledger's calls from genesis reproduces the service's balances and state root, also offline from the
 * ledger directory with only the member's public key.
 */
@QuarkusTest
class PaymentLedgerTest {

    @Inject
    PaymentService payments;

    @Inject
    LedgerService ledger;

    @ConfigProperty(name = "medshare.data-dir")
    String dataDir;

    @Test
    @TestSecurity(user = "irene", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "insurer-x"))
    void everyCallIsOnTheLedgerAndReplaysToTheSameBalances() throws Exception {
        // organisations of its own, so that the other tests' insurer-x and hospitals keep their balances
        String run = UUID.randomUUID().toString().substring(0, 8);
        String insurerId = "insurer-t" + run;
        String hospitalA = "hospital-ta" + run;
        String hospitalB = "hospital-tb" + run;
        payments.deposit(insurerId, BigInteger.valueOf(500));
        String query = "q-" + UUID.randomUUID();
        List<PaymentService.Payout> payouts = payments.settle(insurerId, query, Map.of(hospitalA, 3L, hospitalB, 5L));
        assertEquals(2, payouts.size());
        assertEquals(
                20, payouts.stream().mapToLong(p -> p.amount().longValueExact()).sum(), "8 records at 2.5");

        List<LedgerEntry> entries = ledger.entriesOfTypes(EnumSet.of(EventType.CONTRACT_CALL, EventType.PAYMENT));
        assertEquals(EventType.CONTRACT_CALL, entries.get(0).event().type(), "the deployment is the first call");
        long queryPayments = entries.stream()
                .filter(e -> e.event().type() == EventType.PAYMENT
                        && e.event().id(Field.QUERY_ID).equals(query))
                .count();
        assertEquals(2, queryPayments);

        try (ContractReplay replay = ContractReplay.forVerification()) {
            for (LedgerEntry e : entries) {
                replay.accept(e.index(), e.event());
            }
            replay.finish();
            assertEquals(payments.stateRoot(), HexFormat.of().formatHex(replay.stateRoot()));
            ContractReplay.Balance insurer = replay.balances().stream()
                    .filter(b -> b.address().equals(EvmAddress.forOrganisation(insurerId)))
                    .findFirst()
                    .orElseThrow();
            assertEquals(insurerId, insurer.organisation());
            assertEquals(BigInteger.valueOf(500 - 20), insurer.escrow());
            for (String hospital : List.of(hospitalA, hospitalB)) {
                ContractReplay.Balance b = replay.balances().stream()
                        .filter(x -> hospital.equals(x.organisation()))
                        .findFirst()
                        .orElseThrow();
                assertEquals(payments.balance(hospital).earned(), b.earned(), hospital);
            }
        }

        // offline, as `medshare audit verify` does: the service's ledger with only the member's public key
        VerificationReport report = LedgerVerifier.verify(
                Path.of(dataDir, "ledger"),
                TrustedKeys.read(Path.of(dataDir, "ledger-keys", "member.vkey")),
                1,
                List.of());
        assertTrue(report.ok(), report.summary());
        assertEquals(payments.stateRoot(), report.contract().stateRoot());
        assertTrue(
                report.contract().balances().stream()
                        .anyMatch(b ->
                                insurerId.equals(b.organisation()) && b.escrow().equals(BigInteger.valueOf(480))),
                report.contract().balances().toString());

        // refused calls: nothing reaches the ledger
        long size = ledger.size();
        given().contentType("application/json")
                .body(Map.of("amount", -5))
                .post("/api/v1/payments/deposits")
                .then()
                .statusCode(400);
        assertTrue(assertRefused(() -> payments.settle(insurerId, query, Map.of(hospitalA, 1L))));
        assertEquals(size, ledger.size());
        assertNotNull(payments.stateRoot());
    }

    private static boolean assertRefused(Runnable call) {
        try {
            call.run();
            return false;
        } catch (RequestRefusedException e) {
            return true;
        }
    }
}
