package org.medshare.ledger.contract;

import io.horizen.evm.Address;
import io.horizen.evm.Evm;
import io.horizen.evm.EvmContext;
import io.horizen.evm.ForkRules;
import io.horizen.evm.Hash;
import io.horizen.evm.Invocation;
import io.horizen.evm.MemoryDatabase;
import io.horizen.evm.StateDB;
import io.horizen.evm.results.EvmLog;
import io.horizen.evm.results.InvocationResult;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.medshare.ledger.event.SaltedHash;

/**
 * {@code IncentiveEscrow.sol} running on an embedded go-ethereum EVM
 * ({@code io.horizen:libevm}, Shanghai rules) over an in-memory state database.
 * Every ledger member runs one instance and applies the same calls in the same
 * order; {@link #stateRoot()} is then equal on every member and goes into each
 * block.
 *
 * <p>Guarantees: a refused call ({@link ContractCallException}) changes neither
 * the state nor the history; {@link #history()} holds every applied call from
 * deployment on, and {@link #replay(List)} of it on a fresh EVM reproduces every
 * balance, escrow, settled query and the state root. Gas is not charged (gas
 * price 0) but bounds each call at {@value #GAS_PER_CALL}. Only the contract's
 * own storage and the operator's deployment nonce make up the state.
 *
 * <p>Thread-safe: calls are serialised on this object. Close it to free the
 * native state.
 */
public final class IncentiveContract implements AutoCloseable {
    /** Gas available to each call (a settlement with n hospitals costs about 60,000 + 50,000 n). */
    public static final long GAS_PER_CALL = 50_000_000L;

    private static final BigInteger GAS = BigInteger.valueOf(GAS_PER_CALL);
    private static final BigInteger CHAIN_ID = BigInteger.valueOf(0x4d53); // "MS"

    private final MemoryDatabase database;
    private final EvmContext context;
    private final EvmAddress operator;
    private final List<ContractCall> history;
    private StateDB state;
    private Address contract;
    private ContractCall deployment;
    private long transactions;
    private boolean closed;

    private IncentiveContract(EvmAddress operator, boolean keepHistory) {
        this.operator = operator;
        this.history = keepHistory ? new ArrayList<>() : null;
        this.database = new MemoryDatabase();
        this.state = new StateDB(database, Hash.ZERO);
        this.context = new EvmContext(
                CHAIN_ID,
                Address.ZERO,
                GAS,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                Hash.ZERO,
                new ForkRules(true));
    }

    /**
     * Deploys the compiled contract (the {@code IncentiveEscrow.bin} resource
     * produced by the build) with {@code operator} as its operator.
     *
     * @param pricePerRecord initial price per record in 1/{@link ProRataSplit#PRICE_SCALE} currency units
     */
    public static IncentiveContract deploy(EvmAddress operator, BigInteger pricePerRecord) {
        return deploy(operator, pricePerRecord, true);
    }

    /**
     * As {@link #deploy(EvmAddress, BigInteger)}; with {@code keepHistory} false the
     * applied calls are not kept in memory (a long-running member persists each
     * {@link CallReceipt#call()} in the ledger instead) and {@link #history()} is unavailable.
     */
    public static IncentiveContract deploy(EvmAddress operator, BigInteger pricePerRecord, boolean keepHistory) {
        Objects.requireNonNull(operator, "operator");
        return fromDeployment(
                ContractCall.of(ContractCall.Kind.DEPLOY, operator, EscrowAbi.constructorInput(pricePerRecord)),
                keepHistory);
    }

    /**
     * Deploys from a recorded deployment call (the first CONTRACT_CALL of a ledger), without keeping a
     * history when {@code keepHistory} is false.
     *
     * @throws IllegalArgumentException if {@code deployment} is not a deployment of {@code IncentiveEscrow}
     *         as this build compiled it (creation bytecode followed by constructor arguments)
     * @throws IllegalStateException if the EVM refuses the deployment
     */
    public static IncentiveContract fromRecordedDeployment(ContractCall deployment, boolean keepHistory) {
        Objects.requireNonNull(deployment, "deployment");
        if (!isEscrowDeployment(deployment)) {
            throw new IllegalArgumentException("not a deployment of this build's IncentiveEscrow");
        }
        return fromDeployment(deployment, keepHistory);
    }

    /** @return whether {@code call} deploys this build's {@code IncentiveEscrow} (any constructor arguments) */
    public static boolean isEscrowDeployment(ContractCall call) {
        byte[] code = EscrowAbi.creationBytecode();
        byte[] input = call.input();
        return call.kind() == ContractCall.Kind.DEPLOY
                && input.length == code.length + 32
                && Arrays.equals(input, 0, code.length, code, 0, code.length);
    }

    /**
     * Rebuilds a contract from its history (the calls of {@link #history()}, the
     * deployment first) on a fresh EVM.
     *
     * @throws ContractCallException if any call of the history is refused: the
     *         history is then not one this contract produced
     * @throws IllegalArgumentException if the history does not start with a deployment
     */
    public static IncentiveContract replay(List<ContractCall> calls) throws ContractCallException {
        if (calls.isEmpty() || calls.get(0).kind() != ContractCall.Kind.DEPLOY) {
            throw new IllegalArgumentException("a contract history starts with its deployment");
        }
        IncentiveContract replayed = fromDeployment(calls.get(0), true);
        try {
            for (ContractCall call : calls.subList(1, calls.size())) {
                replayed.execute(call);
            }
        } catch (ContractCallException | RuntimeException e) {
            replayed.close();
            throw e;
        }
        return replayed;
    }

    private static IncentiveContract fromDeployment(ContractCall deployment, boolean keepHistory) {
        IncentiveContract created = new IncentiveContract(deployment.caller(), keepHistory);
        try {
            created.applyDeployment(deployment);
            return created;
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
    }

    private void applyDeployment(ContractCall deployment) {
        Address deployer = evm(deployment.caller());
        // libevm derives the new address from the caller's nonce - 1, like geth's
        // transaction processing, which has already incremented it.
        state.setNonce(deployer, state.getNonce(deployer).add(BigInteger.ONE));
        beginTransaction();
        InvocationResult result = Evm.Apply(
                state, new Invocation(deployer, null, BigInteger.ZERO, deployment.input(), GAS, false), context);
        if (result.reverted || !result.executionError.isEmpty() || result.contractAddress == null) {
            throw new IllegalStateException("deploying IncentiveEscrow failed: " + result.executionError);
        }
        state.finalizeChanges();
        contract = result.contractAddress;
        this.deployment = deployment;
        record(deployment);
    }

    /** Credits {@code amount} to {@code insurer}'s escrow; the operator calls it. */
    public CallReceipt deposit(EvmAddress insurer, BigInteger amount) throws ContractCallException {
        return execute(ContractCall.of(ContractCall.Kind.CALL, operator, EscrowAbi.deposit(insurer, amount)));
    }

    /** Changes the price per record for later settlements; the operator calls it. */
    public CallReceipt setPricePerRecord(BigInteger pricePerRecord) throws ContractCallException {
        return execute(ContractCall.of(ContractCall.Kind.CALL, operator, EscrowAbi.setPrice(pricePerRecord)));
    }

    /**
     * Settles query {@code queryId}: {@code insurer} pays from its escrow, split
     * over the hospitals by {@link ProRataSplit}. The list may be in any order;
     * it is sent sorted by address, as the contract requires.
     *
     * @throws ContractCallException QUERY_ALREADY_SETTLED, INSUFFICIENT_ESCROW, ...
     * @throws IllegalArgumentException on an empty list or a hospital listed twice
     */
    public CallReceipt settle(EvmAddress insurer, QueryId queryId, List<HospitalRecords> records)
            throws ContractCallException {
        Objects.requireNonNull(insurer, "insurer");
        Objects.requireNonNull(queryId, "queryId");
        List<HospitalRecords> sorted = ProRataSplit.sortedDistinct(records);
        List<EvmAddress> hospitals =
                sorted.stream().map(HospitalRecords::hospital).toList();
        List<BigInteger> counts =
                sorted.stream().map(r -> BigInteger.valueOf(r.recordCount())).toList();
        return execute(ContractCall.of(ContractCall.Kind.CALL, insurer, EscrowAbi.settle(queryId, hospitals, counts)));
    }

    /** Withdraws {@code amount} of {@code hospital}'s earnings. */
    public CallReceipt withdraw(EvmAddress hospital, BigInteger amount) throws ContractCallException {
        return execute(ContractCall.of(ContractCall.Kind.CALL, hospital, EscrowAbi.withdraw(amount)));
    }

    /** Returns {@code amount} of {@code insurer}'s unspent escrow. */
    public CallReceipt reclaimEscrow(EvmAddress insurer, BigInteger amount) throws ContractCallException {
        return execute(ContractCall.of(ContractCall.Kind.CALL, insurer, EscrowAbi.reclaim(amount)));
    }

    /**
     * Applies one call as it is (the path of replay and of members applying a
     * replicated call). On success the call is appended to {@link #history()}.
     *
     * @throws ContractCallException if the contract refuses it; nothing changed
     * @throws IllegalArgumentException for a deployment (only the first call of a history deploys)
     */
    public synchronized CallReceipt execute(ContractCall call) throws ContractCallException {
        Objects.requireNonNull(call, "call");
        ensureOpen();
        if (call.kind() != ContractCall.Kind.CALL) {
            throw new IllegalArgumentException("the contract is already deployed at " + address());
        }
        Hash tx = beginTransaction();
        InvocationResult result = Evm.Apply(
                state,
                new Invocation(evm(call.caller()), contract, BigInteger.ZERO, call.input(), GAS, false),
                context);
        if (result.reverted || !result.executionError.isEmpty()) {
            // a reverted call left no state change, but drop what it touched (EIP-158 finalisation)
            state.finalizeChanges();
            RevertReason reason =
                    result.reverted ? RevertReason.forRevertData(result.returnData) : RevertReason.EXECUTION_FAILED;
            throw new ContractCallException(
                    call.functionLabel(),
                    reason,
                    EscrowAbi.revertArguments(reason, result.returnData),
                    result.executionError);
        }
        List<EscrowEvent> events = new ArrayList<>();
        for (EvmLog log : state.getLogs(tx)) {
            if (log.address.equals(contract)) {
                List<byte[]> topics =
                        Arrays.stream(log.topics).map(Hash::toBytes).toList();
                EscrowAbi.decode(new EscrowAbi.Log(topics, log.data == null ? new byte[0] : log.data))
                        .ifPresent(events::add);
            }
        }
        state.finalizeChanges();
        record(call);
        return new CallReceipt(call, events);
    }

    /** @return the insurer's unspent escrow */
    public BigInteger escrowOf(EvmAddress insurer) {
        return Abi.readUint(view(EscrowAbi.ESCROW_OF, Abi.address(insurer)), 0);
    }

    /** @return the hospital's earned, not withdrawn balance */
    public BigInteger balanceOf(EvmAddress hospital) {
        return Abi.readUint(view(EscrowAbi.BALANCE_OF, Abi.address(hospital)), 0);
    }

    /** @return whether {@code queryId} has been settled */
    public boolean isSettled(QueryId queryId) {
        return Abi.readUint(view(EscrowAbi.SETTLED, queryId.toBytes()), 0).signum() != 0;
    }

    /** @return the current price per record in 1/{@link ProRataSplit#PRICE_SCALE} currency units */
    public BigInteger pricePerRecord() {
        return Abi.readUint(view(EscrowAbi.PRICE, null), 0);
    }

    /** @return the deployment call, the first entry of every history */
    public ContractCall deployment() {
        return deployment;
    }

    /** @return the operator (deployer) */
    public EvmAddress operator() {
        return operator;
    }

    /** @return the contract's address */
    public synchronized EvmAddress address() {
        ensureOpen();
        return EvmAddress.of(contract.toBytes());
    }

    /** @return the 32-byte Merkle-Patricia root of the whole EVM state now (geth's intermediate root) */
    public synchronized byte[] stateRoot() {
        ensureOpen();
        return state.getIntermediateRoot().toBytes();
    }

    /**
     * Ends a block: commits the state to the database and returns its root
     * (equal to {@link #stateRoot()} just before). Call it once per ledger batch;
     * it also frees the per-transaction logs kept by the EVM.
     */
    public synchronized byte[] commitBlock() {
        ensureOpen();
        Hash root = state.commit();
        StateDB reopened = new StateDB(database, root);
        closeQuietly(state);
        state = reopened;
        return root.toBytes();
    }

    /**
     * @return every applied call, the deployment first (unmodifiable snapshot)
     * @throws IllegalStateException if the contract was deployed without keeping its history
     */
    public synchronized List<ContractCall> history() {
        if (history == null) {
            throw new IllegalStateException("this contract was deployed without keeping its history");
        }
        return Collections.unmodifiableList(new ArrayList<>(history));
    }

    private void record(ContractCall call) {
        if (history != null) {
            history.add(call);
        }
    }

    /** @return the compiled creation bytecode this class deploys */
    public static byte[] creationBytecode() {
        return EscrowAbi.creationBytecode();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(state);
            database.close();
        }
    }

    private synchronized byte[] view(String signature, byte[] argument) {
        ensureOpen();
        InvocationResult result = Evm.Apply(
                state,
                new Invocation(
                        evm(operator), contract, BigInteger.ZERO, EscrowAbi.view(signature, argument), GAS, true),
                context);
        state.finalizeChanges();
        if (result.reverted || !result.executionError.isEmpty()) {
            throw new IllegalStateException("view " + signature + " failed: " + result.executionError);
        }
        return result.returnData;
    }

    private Hash beginTransaction() {
        byte[] id =
                SaltedHash.sha256(ByteBuffer.allocate(8).putLong(transactions++).array());
        Hash tx = new Hash(id);
        state.setTxContext(tx, 0);
        return tx;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("incentive contract closed");
        }
    }

    private static Address evm(EvmAddress address) {
        return new Address(address.toBytes());
    }

    private static void closeQuietly(StateDB db) {
        try {
            db.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release the EVM state", e);
        }
    }
}
