package org.medshare.ledger.anchor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.medshare.ledger.contract.EvmAddress;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;

/**
 * The ABI of {@code CheckpointAnchor.sol} as compiled by the build: creation bytecode, call encodings,
 * the {@code Anchored} event and the custom errors (so that a refusal is named, not just "reverted").
 */
final class CheckpointAnchorAbi {
    static final String BYTECODE_RESOURCE = "/org/medshare/ledger/contract/CheckpointAnchor.bin";

    static final Event ANCHORED = new Event(
            "Anchored",
            List.of(
                    new TypeReference<Bytes32>(true) {}, new TypeReference<Utf8String>() {},
                    new TypeReference<Uint64>() {}, new TypeReference<Bytes32>() {}));
    static final String ANCHORED_TOPIC = EventEncoder.encode(ANCHORED);

    private static final List<CustomError> ERRORS = List.of(
            new CustomError("ZeroAddress()", "the anchoring account must not be the zero address"),
            new CustomError("NotAnchorer(address)", "the caller is not the contract's anchoring account"),
            new CustomError("EmptyOrigin()", "the origin must not be empty"),
            new CustomError(
                    "SizeNotIncreasing(uint64,uint64)", "the size must exceed the origin's latest anchored size"));

    private record CustomError(String signature, String meaning) {
        String selector() {
            return Hash.sha3String(signature).substring(0, 10);
        }
    }

    private CheckpointAnchorAbi() {}

    /** Creation bytecode and ABI-encoded constructor argument, {@code 0x}-prefixed hex. */
    static String deployment(EvmAddress anchorer) {
        String bytecode;
        try (InputStream in = CheckpointAnchorAbi.class.getResourceAsStream(BYTECODE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(BYTECODE_RESOURCE + " is missing: the build compiles it with solc-js");
            }
            bytecode = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "0x" + bytecode + FunctionEncoder.encodeConstructor(List.of(new Address(anchorer.toString())));
    }

    static String anchorCall(String origin, long size, byte[] root) {
        return FunctionEncoder.encode(new Function(
                "anchor", List.of(new Utf8String(origin), new Uint64(size), new Bytes32(root)), List.of()));
    }

    static Function latestFunction(String origin) {
        return new Function(
                "latest",
                List.of(new Utf8String(origin)),
                List.of(new TypeReference<Uint64>() {}, new TypeReference<Bytes32>() {}));
    }

    /** The topic that selects an origin's {@code Anchored} events. */
    static String originTopic(String origin) {
        return Hash.sha3String(origin);
    }

    /** The decoded {@code Anchored} event: origin, size, root. */
    record Anchored(String origin, long size, byte[] root) {}

    /** Decodes an {@code Anchored} log's data (the non-indexed fields). */
    @SuppressWarnings("rawtypes")
    static Anchored decodeAnchored(String data) {
        List<Type> values = FunctionReturnDecoder.decode(data, ANCHORED.getNonIndexedParameters());
        if (values.size() != 3) {
            throw new IllegalArgumentException("not an Anchored event");
        }
        return new Anchored(
                (String) values.get(0).getValue(), ((BigInteger) values.get(1).getValue()).longValueExact(), (byte[])
                        values.get(2).getValue());
    }

    /**
     * Names the contract's custom error in revert data ({@code 0x} + selector + arguments), with its
     * arguments in hex; empty if the data is no error of this contract.
     */
    static Optional<String> describeRevert(String revertData) {
        if (revertData == null || revertData.length() < 10) {
            return Optional.empty();
        }
        String selector = revertData.substring(0, 10).toLowerCase(Locale.ROOT);
        for (CustomError e : ERRORS) {
            if (e.selector().equals(selector)) {
                String name = e.signature().substring(0, e.signature().indexOf('('));
                String args = revertData.substring(10);
                StringBuilder shown = new StringBuilder();
                for (int i = 0; i + 64 <= args.length(); i += 64) {
                    String word = args.substring(i, i + 64);
                    shown.append(shown.length() == 0 ? "" : ", ")
                            .append(
                                    e.signature().contains("address")
                                            ? "0x" + word.substring(24)
                                            : new BigInteger(word, 16).toString());
                }
                return Optional.of(name + "(" + shown + "): " + e.meaning());
            }
        }
        return Optional.empty();
    }

    static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
