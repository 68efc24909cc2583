package org.medshare.ledger.verify;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.medshare.ledger.contract.CallReceipt;
import org.medshare.ledger.contract.ContractCall;
import org.medshare.ledger.contract.ContractCallException;
import org.medshare.ledger.contract.EscrowEvent;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.contract.IncentiveContract;
import org.medshare.ledger.contract.QueryId;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;

/**
 * Re-executes the incentive contract from the ledger alone: fed the ledger's events in order, it deploys
 * {@code IncentiveEscrow} from the first CONTRACT_CALL, applies every later CONTRACT_CALL on a fresh
 * embedded EVM, and checks what the ledger claims against what the EVM computes.
 *
 * <p>Checks, each failing with the index of the entry to blame ({@link ReplayException#entry()}):
 * <ul>
 *   <li>the first CONTRACT_CALL deploys this build's {@code IncentiveEscrow} and no later one deploys;</li>
 *   <li>the contract accepts every recorded call (a refused call was never applied, so it cannot be on
 *       the ledger);</li>
 *   <li>the STATE_ROOT recorded with each call equals the EVM state root recomputed after it;</li>
 *   <li>every PAYMENT equals a {@code Paid} event of an earlier call (TX_HASH = SHA-256 of the canonical
 *       call; payer = the settling insurer; payee, query id, record count and amount as paid), each
 *       payout is mirrored once, and ({@link #finish()}) no payout is left unmirrored.</li>
 * </ul>
 * Other event types are ignored. Organisations are matched to contract accounts by
 * {@link EvmAddress#forOrganisation}.
 *
 * <p>Not thread-safe; close it to free the EVM (or take the contract over with {@link #takeContract()}).
 */
public final class ContractReplay implements AutoCloseable {

    /**
     * One account's position after the replay.
     *
     * @param organisation the organisation whose derived address this is, as named by the ledger's own
     *                     events, or null when no event names it
     * @param escrow       unspent insurer escrow (currency units)
     * @param earned       hospital earnings not withdrawn (currency units)
     */
    public record Balance(EvmAddress address, String organisation, BigInteger escrow, BigInteger earned) {}

    /** A recorded call or payment that the re-executed contract contradicts. */
    public static final class ReplayException extends Exception {
        private final long entry;

        ReplayException(long entry, String reason) {
            super("entry " + entry + ": " + reason);
            this.entry = entry;
        }

        /** The ledger index of the entry to blame. */
        public long entry() {
            return entry;
        }
    }

    private record PendingPayout(long callEntry, byte[] txHash, EvmAddress insurer, EscrowEvent.Paid paid) {}

    private final boolean keepHistory;
    private final Map<EvmAddress, String> accounts = new TreeMap<>();
    private final List<PendingPayout> pending = new ArrayList<>();
    private IncentiveContract contract;
    private long calls;
    private long payments;
    private long lastCallEntry = -1;

    private ContractReplay(boolean keepHistory) {
        this.keepHistory = keepHistory;
    }

    /** A replay that checks the ledger (the contract keeps its call history in memory). */
    public static ContractReplay forVerification() {
        return new ContractReplay(true);
    }

    /** A replay that rebuilds a long-running member's contract (no call history kept in memory). */
    public static ContractReplay forRestart() {
        return new ContractReplay(false);
    }

    /**
     * Applies entry {@code index} if it is a CONTRACT_CALL or PAYMENT; entries must come in ledger order.
     *
     * @throws ReplayException if the entry contradicts the contract; the replay must then be discarded
     */
    public void accept(long index, Event event) throws ReplayException {
        Objects.requireNonNull(event, "event");
        if (event.type() == EventType.CONTRACT_CALL) {
            applyCall(index, event);
        } else if (event.type() == EventType.PAYMENT) {
            matchPayment(index, event);
        }
    }

    private void applyCall(long index, Event event) throws ReplayException {
        ContractCall call;
        try {
            call = ContractCall.parse(event.data(Field.CALL_DATA));
        } catch (IllegalArgumentException e) {
            throw new ReplayException(index, "CONTRACT_CALL is not a canonical contract call: " + e.getMessage());
        }
        List<EscrowEvent> emitted;
        if (contract == null) {
            if (!IncentiveContract.isEscrowDeployment(call)) {
                throw new ReplayException(
                        index,
                        "the first CONTRACT_CALL must deploy IncentiveEscrow as this" + " verifier compiled it, found "
                                + call);
            }
            try {
                contract = IncentiveContract.fromRecordedDeployment(call, keepHistory);
            } catch (IllegalStateException e) {
                throw new ReplayException(index, "the EVM refuses the recorded deployment: " + e.getMessage());
            }
            emitted = List.of();
        } else {
            if (call.kind() == ContractCall.Kind.DEPLOY) {
                throw new ReplayException(index, "a second deployment of the contract");
            }
            try {
                CallReceipt receipt = contract.execute(call);
                emitted = receipt.events();
            } catch (ContractCallException e) {
                throw new ReplayException(
                        index,
                        "the contract refuses the recorded call " + call.functionLabel() + " (" + e.getMessage()
                                + "); a refused call is never applied");
            }
        }
        byte[] recomputed = contract.stateRoot();
        byte[] recorded = event.hash(Field.STATE_ROOT);
        if (!MessageDigest.isEqual(recomputed, recorded)) {
            throw new ReplayException(
                    index,
                    "recorded state root " + HexFormat.of().formatHex(recorded) + " differs from the recomputed "
                            + HexFormat.of().formatHex(recomputed));
        }
        String actor = event.id(Field.ACTOR);
        EvmAddress actorAddress = EvmAddress.forOrganisation(actor);
        byte[] txHash = txHash(call);
        EvmAddress settlingInsurer = null;
        for (EscrowEvent e : emitted) {
            if (e instanceof EscrowEvent.Deposited d) {
                account(d.insurer(), actor, actorAddress);
            } else if (e instanceof EscrowEvent.EscrowReclaimed r) {
                account(r.insurer(), actor, actorAddress);
            } else if (e instanceof EscrowEvent.Withdrawn w) {
                account(w.hospital(), actor, actorAddress);
            } else if (e instanceof EscrowEvent.Settled s) {
                settlingInsurer = s.insurer();
                account(s.insurer(), actor, actorAddress);
            } else if (e instanceof EscrowEvent.Paid p) {
                account(p.hospital(), null, null);
            }
        }
        for (EscrowEvent e : emitted) {
            if (e instanceof EscrowEvent.Paid paid) {
                pending.add(new PendingPayout(index, txHash, settlingInsurer, paid));
            }
        }
        calls++;
        lastCallEntry = index;
    }

    private void matchPayment(long index, Event event) throws ReplayException {
        byte[] tx = event.hash(Field.TX_HASH);
        String payer = event.id(Field.PAYER);
        String payee = event.id(Field.PAYEE);
        EvmAddress payeeAddress = EvmAddress.forOrganisation(payee);
        QueryId query = QueryId.forReference(event.id(Field.QUERY_ID));
        PendingPayout sameCall = null;
        for (Iterator<PendingPayout> it = pending.iterator(); it.hasNext(); ) {
            PendingPayout p = it.next();
            if (!MessageDigest.isEqual(p.txHash(), tx) || !p.paid().hospital().equals(payeeAddress)) {
                continue;
            }
            sameCall = p;
            if (p.paid().queryId().equals(query)
                    && EvmAddress.forOrganisation(payer).equals(p.insurer())
                    && p.paid().amount().equals(BigInteger.valueOf(event.amount(Field.AMOUNT)))
                    && p.paid().recordCount().equals(BigInteger.valueOf(event.amount(Field.RECORD_COUNT)))) {
                it.remove();
                accounts.put(payeeAddress, payee);
                payments++;
                return;
            }
        }
        if (sameCall != null) {
            throw new ReplayException(
                    index,
                    "PAYMENT of " + event.amount(Field.AMOUNT) + " to " + payee + " for "
                            + event.amount(Field.RECORD_COUNT) + " records disagrees with the contract's payout of "
                            + sameCall.paid().amount() + " for "
                            + sameCall.paid().recordCount() + " records (call at entry "
                            + sameCall.callEntry() + ")");
        }
        throw new ReplayException(
                index,
                "PAYMENT of " + event.amount(Field.AMOUNT) + " to " + payee
                        + " matches no unmirrored payout of an earlier contract call");
    }

    /**
     * Ends the replay: every payout the contract made must have been mirrored by a PAYMENT.
     *
     * @throws ReplayException naming the call whose payout has no PAYMENT
     */
    public void finish() throws ReplayException {
        if (!pending.isEmpty()) {
            PendingPayout p = pending.get(0);
            throw new ReplayException(
                    p.callEntry(),
                    "the contract paid " + p.paid().amount() + " to " + p.paid().hospital()
                            + " and no PAYMENT event mirrors it");
        }
    }

    /** @return whether a deployment has been replayed */
    public boolean deployed() {
        return contract != null;
    }

    /** @return CONTRACT_CALL entries applied, the deployment included */
    public long calls() {
        return calls;
    }

    /** @return PAYMENT entries matched to a payout */
    public long payments() {
        return payments;
    }

    /** @return the index of the last CONTRACT_CALL applied, or -1 */
    public long lastCallEntry() {
        return lastCallEntry;
    }

    /** @return the EVM state root after the last call, or null before the deployment */
    public byte[] stateRoot() {
        return contract == null ? null : contract.stateRoot();
    }

    /** @return every account the replayed calls touched, in address order, with its recomputed balances */
    public List<Balance> balances() {
        List<Balance> out = new ArrayList<>();
        if (contract == null) {
            return out;
        }
        Map<EvmAddress, String> snapshot = new LinkedHashMap<>(accounts);
        snapshot.forEach((address, name) ->
                out.add(new Balance(address, name, contract.escrowOf(address), contract.balanceOf(address))));
        return out;
    }

    /**
     * Hands the replayed contract over to the caller, who then owns (and closes) it; this replay is
     * done afterwards.
     *
     * @return the contract, or null if the ledger holds no deployment
     */
    public IncentiveContract takeContract() {
        IncentiveContract taken = contract;
        contract = null;
        return taken;
    }

    /** The TX_HASH a PAYMENT carries: SHA-256 of the canonical encoding of the call that paid. */
    public static byte[] txHash(ContractCall call) {
        return SaltedHash.sha256(call.toBytes());
    }

    private void account(EvmAddress address, String actor, EvmAddress actorAddress) {
        String name = address.equals(actorAddress) ? actor : null;
        String known = accounts.get(address);
        accounts.put(address, known != null ? known : name);
    }

    @Override
    public void close() {
        if (contract != null) {
            contract.close();
            contract = null;
        }
    }
}
