package org.medshare.ledger.contract;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Calldata encoding and event decoding for {@code IncentiveEscrow.sol}; see {@link Abi}. */
final class EscrowAbi {
    static final String ARTIFACT = "/org/medshare/ledger/contract/IncentiveEscrow.bin";

    static final String DEPOSIT = "deposit(address,uint256)";
    static final String SET_PRICE = "setPricePerRecord(uint256)";
    static final String SETTLE = "settle(bytes32,address[],uint256[])";
    static final String WITHDRAW = "withdraw(uint256)";
    static final String RECLAIM = "reclaimEscrow(uint256)";
    static final String ESCROW_OF = "escrowOf(address)";
    static final String BALANCE_OF = "balanceOf(address)";
    static final String SETTLED = "settled(bytes32)";
    static final String PRICE = "pricePerRecord()";
    static final String OPERATOR = "operator()";

    private static final Map<String, Function<Log, EscrowEvent>> DECODERS = Map.of(
            hex(Abi.eventTopic(EscrowEvent.Deposited.SIGNATURE)),
                    log -> new EscrowEvent.Deposited(
                            log.topicAddress(1), Abi.readUint(log.data, 0), Abi.readUint(log.data, 1)),
            hex(Abi.eventTopic(EscrowEvent.Settled.SIGNATURE)),
                    log -> new EscrowEvent.Settled(
                            log.topicQuery(1),
                            log.topicAddress(2),
                            Abi.readUint(log.data, 0),
                            Abi.readUint(log.data, 1)),
            hex(Abi.eventTopic(EscrowEvent.Paid.SIGNATURE)),
                    log -> new EscrowEvent.Paid(
                            log.topicQuery(1),
                            log.topicAddress(2),
                            Abi.readUint(log.data, 0),
                            Abi.readUint(log.data, 1)),
            hex(Abi.eventTopic(EscrowEvent.Withdrawn.SIGNATURE)),
                    log -> new EscrowEvent.Withdrawn(
                            log.topicAddress(1), Abi.readUint(log.data, 0), Abi.readUint(log.data, 1)),
            hex(Abi.eventTopic(EscrowEvent.EscrowReclaimed.SIGNATURE)),
                    log -> new EscrowEvent.EscrowReclaimed(
                            log.topicAddress(1), Abi.readUint(log.data, 0), Abi.readUint(log.data, 1)),
            hex(Abi.eventTopic(EscrowEvent.PriceChanged.SIGNATURE)),
                    log -> new EscrowEvent.PriceChanged(Abi.readUint(log.data, 0), Abi.readUint(log.data, 1)));

    private EscrowAbi() {}

    /** A raw EVM log of the contract. */
    record Log(List<byte[]> topics, byte[] data) {
        EvmAddress topicAddress(int i) {
            return Abi.readAddress(topics.get(i), 0);
        }

        QueryId topicQuery(int i) {
            return QueryId.of(topics.get(i));
        }
    }

    static byte[] creationBytecode() {
        try (InputStream in = EscrowAbi.class.getResourceAsStream(ARTIFACT)) {
            if (in == null) {
                throw new IllegalStateException(ARTIFACT + " is missing: the Maven build compiles it with solc-js");
            }
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + ARTIFACT, e);
        }
    }

    static byte[] constructorInput(BigInteger pricePerRecord) {
        byte[] code = creationBytecode();
        byte[] arg = Abi.uint256(pricePerRecord);
        byte[] input = Arrays.copyOf(code, code.length + arg.length);
        System.arraycopy(arg, 0, input, code.length, arg.length);
        return input;
    }

    static byte[] deposit(EvmAddress insurer, BigInteger amount) {
        return new Abi.CallBuilder(Abi.selector(DEPOSIT), 2)
                .word(Abi.address(insurer))
                .uint(amount)
                .build();
    }

    static byte[] setPrice(BigInteger price) {
        return new Abi.CallBuilder(Abi.selector(SET_PRICE), 1).uint(price).build();
    }

    static byte[] settle(QueryId queryId, List<EvmAddress> hospitals, List<BigInteger> recordCounts) {
        List<byte[]> addressWords = new ArrayList<>(hospitals.size());
        hospitals.forEach(h -> addressWords.add(Abi.address(h)));
        List<byte[]> countWords = new ArrayList<>(recordCounts.size());
        recordCounts.forEach(c -> countWords.add(Abi.uint256(c)));
        return new Abi.CallBuilder(Abi.selector(SETTLE), 3)
                .word(queryId.toBytes())
                .array(addressWords)
                .array(countWords)
                .build();
    }

    static byte[] withdraw(BigInteger amount) {
        return new Abi.CallBuilder(Abi.selector(WITHDRAW), 1).uint(amount).build();
    }

    static byte[] reclaim(BigInteger amount) {
        return new Abi.CallBuilder(Abi.selector(RECLAIM), 1).uint(amount).build();
    }

    static byte[] view(String signature, byte[] argumentWord) {
        return new Abi.CallBuilder(Abi.selector(signature), argumentWord == null ? 0 : 1)
                .word(argumentWord == null ? new byte[0] : argumentWord)
                .build();
    }

    /** @return the decoded event, or empty for a log that is not one of the contract's events */
    static Optional<EscrowEvent> decode(Log log) {
        if (log.topics.isEmpty()) {
            return Optional.empty();
        }
        Function<Log, EscrowEvent> decoder = DECODERS.get(hex(log.topics.get(0)));
        return decoder == null ? Optional.empty() : Optional.of(decoder.apply(log));
    }

    /** Decodes revert data into the reason and its arguments as text. */
    static List<String> revertArguments(RevertReason reason, byte[] data) {
        if (reason == RevertReason.EXECUTION_FAILED || data == null || data.length < 4) {
            return List.of();
        }
        byte[] body = Arrays.copyOfRange(data, 4, data.length);
        List<String> out = new ArrayList<>();
        List<String> types = reason.argumentTypes();
        for (int i = 0; i < types.size(); i++) {
            switch (types.get(i)) {
                case "address" -> out.add(Abi.readAddress(body, i).toString());
                case "bytes32" -> out.add("0x" + hex(Abi.readWord(body, i)));
                default -> out.add(Abi.readUint(body, i).toString());
            }
        }
        return out;
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
