package org.medshare.service.payments.service;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.medshare.ledger.contract.CallReceipt;
import org.medshare.ledger.contract.ContractCallException;
import org.medshare.ledger.contract.EscrowEvent;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.contract.HospitalRecords;
import org.medshare.ledger.contract.IncentiveContract;
import org.medshare.ledger.contract.ProRataSplit;
import org.medshare.ledger.contract.QueryId;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.verify.ContractReplay;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The incentive contract ({@code IncentiveEscrow.sol}) on the embedded EVM: insurers deposit escrow, each
 * completed query settles its price to the hospitals whose records it used, pro rata.
 *
 * <p>The ledger is the contract's only record: every state-changing call the contract accepts (the
 * deployment first) is appended as a CONTRACT_CALL event carrying the canonical call (caller address and
 * ABI input: addresses, query ids, amounts) and the EVM state root after it, and each settlement's payouts
 * follow in the same group commit as PAYMENT events. At start the contract is rebuilt by re-executing
 * those calls from genesis ({@link ContractReplay}, the code the offline verifier runs), checking every
 * recorded state root; a ledger that does not replay stops the start. A call whose ledger append fails
 * is answered with an error and the contract is rebuilt from the ledger before the next call, so the
 * live state never runs ahead of what the ledger holds.
 */
@ApplicationScoped
public class PaymentService {

    /** One organisation's position in the contract. */
    public record Balance(String organisation, String address, BigInteger escrow, BigInteger earned) {}

    /** A hospital's share of one settlement. */
    public record Payout(String organisation, long recordCount, BigInteger amount) {}

    /** The organisation that deploys the contract and makes the operator's calls (deposits, price). */
    static final String OPERATOR = "medshare-operator";

    /**
     * One payment as the ledger recorded it (a PAYMENT event mirroring the contract's {@code Paid} event).
     *
     * @param ledgerIndex the PAYMENT event's index on the audit ledger
     * @param payer       the insurer whose escrow paid
     * @param payee       the hospital paid
     */
    public record PayoutEntry(
            long ledgerIndex, Instant at, String payer, String payee, String queryId, long amount, long recordCount) {}

    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();
    private final BigInteger pricePerRecord;
    private IncentiveContract contract;

    @Inject
    PaymentService(LedgerService ledger, MedshareConfig config) {
        this.ledger = ledger;
        this.pricePerRecord = BigInteger.valueOf(config.payments().pricePerRecord());
    }

    /** The EVM address standing for an organisation ({@link EvmAddress#forOrganisation}). */
    public static EvmAddress addressOf(String organisation) {
        return EvmAddress.forOrganisation(organisation);
    }

    /** Price per record in 1/{@link ProRataSplit#PRICE_SCALE} currency units (the contract's fixed point). */
    public BigInteger pricePerRecord() {
        return pricePerRecord;
    }

    /** What {@code records} records cost, in whole currency units, rounded down as the contract does. */
    public BigInteger priceOf(long records) {
        return pricePerRecord
                .multiply(BigInteger.valueOf(records))
                .divide(BigInteger.valueOf(ProRataSplit.PRICE_SCALE));
    }

    /** Adds {@code amount} to the insurer's escrow; returns once the call is on the ledger. */
    public synchronized Balance deposit(String insurer, BigInteger amount) {
        if (amount.signum() <= 0 || amount.bitLength() > 128) {
            throw RequestRefusedException.invalid(
                    "invalid-amount", "Invalid amount", "amount must be a positive integer below 2^128.");
        }
        CallReceipt receipt = execute(() -> contract().deposit(addressOf(insurer), amount));
        record(insurer, receipt, List.of());
        return balance(insurer);
    }

    /** True if the insurer's escrow can pay for {@code records} records. */
    public synchronized boolean canPay(String insurer, long records) {
        return contract().escrowOf(addressOf(insurer)).compareTo(priceOf(records)) >= 0;
    }

    /**
     * Settles query {@code queryId}: moves its price from the insurer's escrow to the hospitals, pro rata to
     * the records of theirs it used; the call and each payment are on the ledger when this returns.
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
        CallReceipt receipt =
                execute(() -> contract().settle(addressOf(insurer), QueryId.forReference(queryId), shares));
        byte[] txHash = ContractReplay.txHash(receipt.call());
        List<Payout> payouts = new ArrayList<>();
        List<Event> mirrors = new ArrayList<>();
        for (EscrowEvent event : receipt.events()) {
            if (event instanceof EscrowEvent.Paid paid) {
                String hospital = organisations.get(paid.hospital());
                payouts.add(new Payout(hospital, paid.recordCount().longValueExact(), paid.amount()));
                mirrors.add(Event.payment(
                        clock.millis(),
                        insurer,
                        hospital,
                        queryId,
                        paid.amount().longValueExact(),
                        paid.recordCount().longValueExact(),
                        txHash));
            }
        }
        record(insurer, receipt, mirrors);
        return payouts;
    }

    /**
     * Every payment on the ledger, oldest first; only those paid by or to {@code organisation} unless it is null.
     * Reads the ledger's PAYMENT events, so the history is exactly what a regulator can verify.
     */
    public List<PayoutEntry> payouts(String organisation) {
        List<PayoutEntry> out = new ArrayList<>();
        for (LedgerEntry entry : ledger.entriesOfTypes(EnumSet.of(EventType.PAYMENT))) {
            Event e = entry.event();
            String payer = e.id(Field.PAYER);
            String payee = e.id(Field.PAYEE);
            if (organisation == null || organisation.equals(payer) || organisation.equals(payee)) {
                out.add(new PayoutEntry(
                        entry.index(),
                        Instant.ofEpochMilli(e.timestampMillis()),
                        payer,
                        payee,
                        e.id(Field.QUERY_ID),
                        e.amount(Field.AMOUNT),
                        e.amount(Field.RECORD_COUNT)));
            }
        }
        return out;
    }

    /**
     * The payouts the ledger records for each settled query, keyed by query id, each list in ledger order. A query
     * that was not (or not yet) settled has no key.
     */
    public Map<String, List<Payout>> payoutsByQuery() {
        Map<String, List<Payout>> byQuery = new HashMap<>();
        for (PayoutEntry entry : payouts(null)) {
            byQuery.computeIfAbsent(entry.queryId(), q -> new ArrayList<>())
                    .add(new Payout(entry.payee(), entry.recordCount(), BigInteger.valueOf(entry.amount())));
        }
        return byQuery;
    }

    public synchronized Balance balance(String organisation) {
        EvmAddress address = addressOf(organisation);
        return new Balance(
                organisation,
                address.toString(),
                contract().escrowOf(address),
                contract().balanceOf(address));
    }

    /** The contract's state root (recorded with each CONTRACT_CALL on the ledger). */
    public synchronized String stateRoot() {
        return HexFormat.of().formatHex(contract().stateRoot());
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

    private static CallReceipt execute(ContractAction action) {
        try {
            return action.apply();
        } catch (ContractCallException e) {
            throw RequestRefusedException.conflict(
                    "contract-refused",
                    "Refused by the incentive contract",
                    "The incentive contract refused the call: " + e.getMessage() + ".");
        }
    }

    /** Appends the applied call (and its payment mirrors) as one group commit, or forgets the live state. */
    private void record(String actor, CallReceipt receipt, List<Event> mirrors) {
        List<Event> events = new ArrayList<>();
        events.add(Event.contractCall(clock.millis(), actor, receipt.call().toBytes(), contract.stateRoot()));
        events.addAll(mirrors);
        try {
            ledger.appendAll(events);
        } catch (RuntimeException e) {
            contract.close();
            contract = null;
            throw e;
        }
    }

    private IncentiveContract contract() {
        if (contract == null) {
            contract = load();
        }
        return contract;
    }

    private IncentiveContract load() {
        try (ContractReplay replay = ContractReplay.forRestart()) {
            for (LedgerEntry entry : ledger.entriesOfTypes(EnumSet.of(EventType.CONTRACT_CALL, EventType.PAYMENT))) {
                replay.accept(entry.index(), entry.event());
            }
            IncentiveContract replayed = replay.takeContract();
            if (replayed != null) {
                return replayed;
            }
        } catch (ContractReplay.ReplayException e) {
            throw new IllegalStateException("the contract history on the ledger does not replay: " + e.getMessage(), e);
        }
        contract = IncentiveContract.deploy(addressOf(OPERATOR), pricePerRecord, false);
        record(OPERATOR, new CallReceipt(contract.deployment(), List.of()), List.of());
        return contract;
    }
}
