package org.medshare.ledger.anchor;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.medshare.ledger.contract.EvmAddress;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A JSON-RPC connection (web3j, HTTP) to an EVM chain that holds {@code CheckpointAnchor} contracts.
 *
 * <p>Guarantees: {@link #anchor} returns only after the anchoring transaction is mined with status
 * success, and returns the anchor as the mined {@code Anchored} event states it. A call the contract
 * refuses (foreign account, size not above the latest, empty origin) raises
 * {@link AnchorRefusedException} naming the contract's error before any transaction is sent. An
 * unreachable node, a node error or a receipt that does not come within the timeout raises
 * {@link IOException}: the caller may retry, and must then read {@link #anchors} first, since a
 * transaction may have been mined after all. Transactions are legacy EIP-155 transactions signed
 * locally with the {@link AnchorAccount}'s key (never sent to the node).
 */
public final class AnchorChain implements AutoCloseable {
    private static final Pattern HEX_DATA = Pattern.compile("0x[0-9a-fA-F]{8,}");
    private static final long RECEIPT_POLL_MS = 200;

    private final Web3j web3;
    private final Duration timeout;

    private AnchorChain(Web3j web3, Duration timeout) {
        this.web3 = web3;
        this.timeout = timeout;
    }

    /**
     * A client of the node at {@code rpc} (http or https). Nothing is sent yet.
     *
     * @param timeout bound on each request and on the wait for a receipt
     */
    public static AnchorChain connect(URI rpc, Duration timeout) {
        String scheme = rpc.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("the anchoring RPC URL must be http or https: " + rpc);
        }
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .build();
        return new AnchorChain(Web3j.build(new HttpService(rpc.toString(), http)), timeout);
    }

    /** The chain id (EIP-155) the node reports. */
    public long chainId() throws IOException {
        return checked(web3.ethChainId().send(), "eth_chainId").getChainId().longValueExact();
    }

    /**
     * Deploys a {@code CheckpointAnchor} whose anchoring account is {@code anchorer}, paid by
     * {@code deployer}; returns its address once mined.
     */
    public EvmAddress deploy(AnchorAccount deployer, EvmAddress anchorer) throws IOException, AnchorRefusedException {
        TransactionReceipt receipt = send(deployer, null, CheckpointAnchorAbi.deployment(anchorer), chainId());
        if (receipt.getContractAddress() == null) {
            throw new IOException("the deployment receipt names no contract address");
        }
        return EvmAddress.parse(receipt.getContractAddress());
    }

    /**
     * Anchors the checkpoint ({@code origin}, {@code size}, {@code root}) with {@code account}.
     *
     * @throws AnchorRefusedException if the contract refuses it (nothing was sent)
     * @throws IOException if the node cannot be reached or the transaction's outcome is unknown
     */
    public ChainAnchor anchor(AnchorAccount account, EvmAddress contract, String origin, long size, byte[] root)
            throws IOException, AnchorRefusedException {
        long chainId = chainId();
        TransactionReceipt receipt =
                send(account, contract, CheckpointAnchorAbi.anchorCall(origin, size, root), chainId);
        for (ChainAnchor a : anchorsIn(receipt, contract, chainId)) {
            if (a.origin().equals(origin) && a.size() == size) {
                return a;
            }
        }
        throw new IOException("transaction " + receipt.getTransactionHash() + " was mined without its Anchored event");
    }

    /** The largest size anchored for {@code origin} on {@code contract}, 0 if none. */
    @SuppressWarnings("rawtypes")
    public long latestSize(EvmAddress contract, String origin) throws IOException {
        Function latest = CheckpointAnchorAbi.latestFunction(origin);
        EthCall call = web3.ethCall(
                        Transaction.createEthCallTransaction(null, contract.toString(), FunctionEncoder.encode(latest)),
                        DefaultBlockParameterName.LATEST)
                .send();
        checked(call, "eth_call latest");
        List<Type> values = FunctionReturnDecoder.decode(call.getValue(), latest.getOutputParameters());
        if (values.size() != 2) {
            throw new IOException("no CheckpointAnchor contract at " + contract + " (latest() returned nothing)");
        }
        return ((BigInteger) values.get(0).getValue()).longValueExact();
    }

    /** Every anchor of {@code origin} that {@code contract} holds, in chain order. */
    public List<ChainAnchor> anchors(EvmAddress contract, String origin) throws IOException {
        long chainId = chainId();
        EthFilter filter = new EthFilter(
                DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, contract.toString());
        filter.addSingleTopic(CheckpointAnchorAbi.ANCHORED_TOPIC);
        filter.addSingleTopic(CheckpointAnchorAbi.originTopic(origin));
        EthLog logs = checked(web3.ethGetLogs(filter).send(), "eth_getLogs");
        List<ChainAnchor> out = new ArrayList<>();
        for (EthLog.LogResult<?> r : logs.getLogs()) {
            if (r.get() instanceof Log log) {
                decode(log, contract, chainId)
                        .filter(a -> a.origin().equals(origin))
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * The anchors that transaction {@code txHash} made on {@code contract}: empty if the chain has no such
     * mined transaction, if it failed, or if it anchored nothing there.
     */
    public List<ChainAnchor> anchorsInTransaction(EvmAddress contract, byte[] txHash) throws IOException {
        long chainId = chainId();
        EthGetTransactionReceipt r = checked(
                web3.ethGetTransactionReceipt(CheckpointAnchorAbi.hex(txHash)).send(), "eth_getTransactionReceipt");
        Optional<TransactionReceipt> receipt = r.getTransactionReceipt();
        if (receipt.isEmpty() || !receipt.get().isStatusOK()) {
            return List.of();
        }
        return anchorsIn(receipt.get(), contract, chainId);
    }

    private static List<ChainAnchor> anchorsIn(TransactionReceipt receipt, EvmAddress contract, long chainId) {
        List<ChainAnchor> out = new ArrayList<>();
        for (Log log : receipt.getLogs()) {
            decode(log, contract, chainId).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<ChainAnchor> decode(Log log, EvmAddress contract, long chainId) {
        if (log.getAddress() == null
                || !EvmAddress.parse(log.getAddress()).equals(contract)
                || log.isRemoved()
                || log.getTopics().isEmpty()
                || !CheckpointAnchorAbi.ANCHORED_TOPIC.equals(log.getTopics().get(0))) {
            return Optional.empty();
        }
        CheckpointAnchorAbi.Anchored a;
        try {
            a = CheckpointAnchorAbi.decodeAnchored(log.getData());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(new ChainAnchor(
                chainId,
                contract,
                HexFormat.of().parseHex(log.getTransactionHash().substring(2)),
                log.getBlockNumber().longValueExact(),
                a.origin(),
                a.size(),
                a.root()));
    }

    private TransactionReceipt send(AnchorAccount account, EvmAddress to, String data, long chainId)
            throws IOException, AnchorRefusedException {
        String from = account.address().toString();
        String target = to == null ? null : to.toString();
        EthCall dryRun = web3.ethCall(
                        Transaction.createFunctionCallTransaction(from, null, null, null, target, data),
                        DefaultBlockParameterName.PENDING)
                .send();
        refuseIfReverted(dryRun, "eth_call");
        EthEstimateGas estimate = web3.ethEstimateGas(
                        Transaction.createFunctionCallTransaction(from, null, null, null, target, data))
                .send();
        refuseIfReverted(estimate, "eth_estimateGas");
        BigInteger gasLimit = estimate.getAmountUsed()
                .multiply(BigInteger.valueOf(12))
                .divide(BigInteger.TEN)
                .add(BigInteger.valueOf(10_000));
        BigInteger gasPrice = checked(web3.ethGasPrice().send(), "eth_gasPrice").getGasPrice();
        RawTransactionManager manager = new RawTransactionManager(web3, account.credentials(), chainId);
        EthSendTransaction sent = checked(
                manager.sendTransaction(
                        gasPrice, gasLimit, target == null ? "" : target, data, BigInteger.ZERO, to == null),
                "eth_sendRawTransaction");
        TransactionReceipt receipt;
        try {
            receipt = new PollingTransactionReceiptProcessor(
                            web3, RECEIPT_POLL_MS, (int) Math.max(1, timeout.toMillis() / RECEIPT_POLL_MS))
                    .waitForTransactionReceipt(sent.getTransactionHash());
        } catch (TransactionException e) {
            throw new IOException("no receipt for transaction " + sent.getTransactionHash() + " within " + timeout, e);
        }
        if (!receipt.isStatusOK()) {
            throw new AnchorRefusedException(
                    "transaction " + receipt.getTransactionHash() + " reverted (status " + receipt.getStatus() + ")");
        }
        return receipt;
    }

    private static void refuseIfReverted(Response<?> response, String method)
            throws IOException, AnchorRefusedException {
        String revertData = null;
        if (response instanceof EthCall call && call.isReverted()) {
            revertData = call.getValue();
        }
        if (response.hasError()) {
            Response.Error error = response.getError();
            String data = error.getData();
            if (data != null) {
                Matcher m = HEX_DATA.matcher(data);
                if (m.find()) {
                    revertData = m.group();
                }
            }
            if (revertData == null
                    && (error.getMessage() == null || !error.getMessage().contains("revert"))) {
                throw new IOException(method + " failed on the node: " + error.getMessage());
            }
        }
        if (revertData != null || response.hasError()) {
            String reason = CheckpointAnchorAbi.describeRevert(revertData)
                    .orElse(response.hasError() ? response.getError().getMessage() : "reverted");
            throw new AnchorRefusedException("CheckpointAnchor refused the transaction (" + method + "): " + reason);
        }
    }

    private static <T extends Response<?>> T checked(T response, String method) throws IOException {
        if (response.hasError()) {
            throw new IOException(
                    method + " failed on the node: " + response.getError().getMessage());
        }
        return response;
    }

    @Override
    public void close() {
        web3.shutdown();
    }
}
