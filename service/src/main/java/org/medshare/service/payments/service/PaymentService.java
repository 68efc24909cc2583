package org.medshare.service.payments.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.ledger.contract.CallReceipt;
import org.medshare.ledger.contract.ContractCall;
import org.medshare.ledger.contract.ContractCallException;
import org.medshare.ledger.contract.EscrowEvent;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.contract.HospitalRecords;
import org.medshare.ledger.contract.IncentiveContract;
import org.medshare.ledger.contract.ProRataSplit;
import org.medshare.ledger.contract.QueryId;
import org.medshare.ledger.event.Event;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.problem.RequestRefusedException;

/**
 * The incentive contract ({@code IncentiveEscrow.sol}) on the embedded EVM: insurers deposit escrow, each
 * completed query settles its price to the hospitals whose records it used, pro rata. Every call is kept in
 * the database and replayed at start, so balances survive restarts and can be recomputed from genesis;
 * every payment is mirrored on the ledger as a PAYMENT event.
 */
@ApplicationScoped
public class PaymentService {

    /** One organisation's position in the contract. */
    public record Balance(String organisation, String address, BigInteger escrow, BigInteger earned) {
    }

    /** A hospital's share of one settlement. */
    public record Payout(String organisation, long recordCount, BigInteger amount) {
    }

    private final EntityManager em;
    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();
    private final BigInteger pricePerRecord;
    private IncentiveContract contract;

    @Inject
    PaymentService(EntityManager em, LedgerService ledger,
                   @ConfigProperty(name = "medshare.payments.price-per-record", defaultValue = "2500000") long pricePerRecord) {
        this.em = em;
        this.ledger = ledger;
        this.pricePerRecord = BigInteger.valueOf(pricePerRecord);
    }

    /** The EVM address standing for an organisation: the first 20 bytes of SHA-256("medshare-org\n" ‖ org). */
    public static EvmAddress addressOf(String organisation) {
        byte[] digest = UploadStatement.sha256(("medshare-org\n" + organisation).getBytes(StandardCharsets.UTF_8));
        return EvmAddress.of(Arrays.copyOf(digest, EvmAddress.LENGTH));
    }

    /** Price per record in 1/{@link ProRataSplit#PRICE_SCALE} currency units (the contract's fixed point). */
    public BigInteger pricePerRecord() {
        return pricePerRecord;
    }

    /** What {@code records} records cost, in whole currency units, rounded down as the contract does. */
    public BigInteger priceOf(long records) {
        return pricePerRecord.multiply(BigInteger.valueOf(records)).divide(BigInteger.valueOf(ProRataSplit.PRICE_SCALE));
    }

    /** Adds {@code amount} to the insurer's escrow. */
    public synchronized Balance deposit(String insurer, BigInteger amount) {
        if (amount.signum() <= 0 || amount.bitLength() > 128) {
            throw RequestRefusedException.badRequest("invalid-amount", "Invalid amount",
                    "amount must be a positive integer below 2^128.");
        }
        execute(() -> contract().deposit(addressOf(insurer), amount));
        return balance(insurer);
    }

    /** True if the insurer's escrow can pay for {@code records} records. */
    public synchronized boolean canPay(String insurer, long records) {
        return contract().escrowOf(addressOf(insurer)).compareTo(priceOf(records)) >= 0;
    }

    /**
     * Settles query {@code queryId}: moves its price from the insurer's escrow to the hospitals, pro rata to
     * the records of theirs it used, and mirrors each payment on the ledger.
     *
     * @throws RequestRefusedException 409 if the escrow cannot pay or the query was settled already
     */
    public synchronized List<Payout> settle(String insurer, String queryId, Map<String, Long> recordsByHospital) {
        if (recordsByHospital.isEmpty()) {
            return List.of();
        }
        Map<EvmAddress, String> organisations = new TreeMap<>();
        List<HospitalRecords> shares = new ArrayList<>();
        recordsByHospital.forEach((org, count) -> {
            organisations.put(addressOf(org), org);
            shares.add(new HospitalRecords(addressOf(org), count));
        });
        CallReceipt receipt = execute(() -> contract().settle(addressOf(insurer), QueryId.forReference(queryId), shares));
        byte[] txHash = UploadStatement.sha256(receipt.call().toBytes());
        List<Payout> payouts = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (EscrowEvent event : receipt.events()) {
            if (event instanceof EscrowEvent.Paid paid) {
                String hospital = organisations.get(paid.hospital());
                payouts.add(new Payout(hospital, paid.recordCount().longValueExact(), paid.amount()));
                events.add(Event.payment(clock.millis(), insurer, hospital, queryId, paid.amount().longValueExact(),
                        paid.recordCount().longValueExact(), txHash));
            }
        }
        ledger.appendAll(events);
        return payouts;
    }

    public synchronized Balance balance(String organisation) {
        EvmAddress address = addressOf(organisation);
        return new Balance(organisation, address.toString(), contract().escrowOf(address), contract().balanceOf(address));
    }

    /** The contract's state root (goes into each block header of the ledger members). */
    public synchronized String stateRoot() {
        return java.util.HexFormat.of().formatHex(contract().stateRoot());
    }

    @PreDestroy
    synchronized void close() {
        if (contract != null) {
            contract.close();
        }
    }

    private interface ContractAction {
        CallReceipt apply() throws ContractCallException;
    }

    private CallReceipt execute(ContractAction action) {
        CallReceipt receipt;
        try {
            receipt = action.apply();
        } catch (ContractCallException e) {
            throw RequestRefusedException.conflict("contract-refused", "Refused by the incentive contract",
                    "The incentive contract refused the call: " + e.getMessage() + ".");
        }
        persist(receipt.call());
        return receipt;
    }

    private IncentiveContract contract() {
        if (contract == null) {
            contract = load();
        }
        return contract;
    }

    private IncentiveContract load() {
        List<ContractCall> calls = QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object> rows = em.createNativeQuery("select call_bytes from contract_call order by seq").getResultList();
            return rows.stream().map(r -> ContractCall.parse(Base64.getDecoder().decode(r.toString()))).toList();
        });
        if (calls.isEmpty()) {
            IncentiveContract deployed = IncentiveContract.deploy(addressOf("medshare-operator"), pricePerRecord);
            persist(deployed.deployment());
            return deployed;
        }
        try {
            return IncentiveContract.replay(calls);
        } catch (ContractCallException e) {
            throw new IllegalStateException("the stored contract history does not replay", e);
        }
    }

    private void persist(ContractCall call) {
        QuarkusTransaction.requiringNew().run(() -> {
            long seq = ((Number) em.createNativeQuery("select coalesce(max(seq), 0) + 1 from contract_call")
                    .getSingleResult()).longValue();
            em.createNativeQuery("insert into contract_call (seq, call_bytes, created_at) values (?1, ?2, ?3)")
                    .setParameter(1, seq).setParameter(2, Base64.getEncoder().encodeToString(call.toBytes()))
                    .setParameter(3, Timestamp.from(clock.instant())).executeUpdate();
        });
    }
}
