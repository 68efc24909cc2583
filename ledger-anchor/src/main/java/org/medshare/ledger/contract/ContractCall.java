package org.medshare.ledger.contract;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One state-changing call applied to the incentive contract: who called and
 * with which ABI-encoded input (for {@link Kind#DEPLOY}, the creation bytecode
 * followed by the constructor arguments). The ordered list of successful calls
 * from deployment on is the contract's whole history: replaying it on a fresh
 * EVM ({@link IncentiveContract#replay}) reproduces every balance and the state
 * root. Immutable.
 *
 * <p>Canonical encoding ({@link #toBytes()}), version 1, big-endian:
 * {@code 0x01 | kind (1 byte: 0 deploy, 1 call) | caller (20 bytes) |
 * input length (4 bytes) | input}.
 */
public final class ContractCall {
    /** What the call does. */
    public enum Kind {
        DEPLOY,
        CALL
    }

    private static final byte VERSION = 1;
    private static final int HEADER = 1 + 1 + EvmAddress.LENGTH + 4;
    /** Upper bound on a call's input, far above any settlement (64 KiB code + arguments). */
    public static final int MAX_INPUT = 1 << 22;

    private final Kind kind;
    private final EvmAddress caller;
    private final byte[] input;

    private ContractCall(Kind kind, EvmAddress caller, byte[] input) {
        this.kind = kind;
        this.caller = caller;
        this.input = input;
    }

    /**
     * @param input copied; at most {@link #MAX_INPUT} bytes
     */
    public static ContractCall of(Kind kind, EvmAddress caller, byte[] input) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(input, "input");
        if (input.length > MAX_INPUT) {
            throw new IllegalArgumentException("call input too large: " + input.length + " bytes");
        }
        return new ContractCall(kind, caller, input.clone());
    }

    /**
     * Parses the canonical encoding.
     *
     * @throws IllegalArgumentException on an unknown version or kind, a wrong length or trailing bytes
     */
    public static ContractCall parse(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length < HEADER) {
            throw new IllegalArgumentException("contract call too short: " + encoded.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown contract call version " + version);
        }
        byte kindByte = in.get();
        if (kindByte != 0 && kindByte != 1) {
            throw new IllegalArgumentException("unknown contract call kind " + kindByte);
        }
        byte[] caller = new byte[EvmAddress.LENGTH];
        in.get(caller);
        int length = in.getInt();
        if (length < 0 || length > MAX_INPUT || length != in.remaining()) {
            throw new IllegalArgumentException("contract call input length " + length + " does not match the "
                    + in.remaining() + " bytes that follow");
        }
        byte[] input = new byte[length];
        in.get(input);
        return new ContractCall(kindByte == 0 ? Kind.DEPLOY : Kind.CALL, EvmAddress.of(caller), input);
    }

    /** @return the canonical encoding described above */
    public byte[] toBytes() {
        return ByteBuffer.allocate(HEADER + input.length)
                .put(VERSION)
                .put((byte) (kind == Kind.DEPLOY ? 0 : 1))
                .put(caller.toBytes())
                .putInt(input.length)
                .put(input)
                .array();
    }

    public Kind kind() {
        return kind;
    }

    public EvmAddress caller() {
        return caller;
    }

    /** @return a copy of the ABI-encoded input */
    public byte[] input() {
        return input.clone();
    }

    /** @return the 4-byte function selector in hex, or {@code "deploy"} */
    public String functionLabel() {
        if (kind == Kind.DEPLOY) {
            return "deploy";
        }
        return input.length >= 4 ? "0x" + HexFormat.of().formatHex(input, 0, 4) : "fallback";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContractCall other
                && kind == other.kind
                && caller.equals(other.caller)
                && Arrays.equals(input, other.input);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, caller, Arrays.hashCode(input));
    }

    @Override
    public String toString() {
        return "ContractCall[" + kind + " " + functionLabel() + " from " + caller + ", " + input.length + " bytes]";
    }
}
