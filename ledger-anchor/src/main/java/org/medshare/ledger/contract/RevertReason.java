package org.medshare.ledger.contract;

import java.util.Arrays;
import java.util.List;

/**
 * Why {@code IncentiveEscrow.sol} refused a call: its custom errors, plus
 * Solidity's arithmetic panic and engine-level failures. A refused call
 * changes nothing.
 */
public enum RevertReason {
    NOT_OPERATOR("NotOperator(address)"),
    ZERO_ADDRESS("ZeroAddress()"),
    ZERO_AMOUNT("ZeroAmount()"),
    QUERY_ALREADY_SETTLED("QueryAlreadySettled(bytes32)"),
    INSUFFICIENT_ESCROW("InsufficientEscrow(address,uint256,uint256)"),
    INSUFFICIENT_BALANCE("InsufficientBalance(address,uint256,uint256)"),
    LENGTH_MISMATCH("LengthMismatch(uint256,uint256)"),
    EMPTY_SETTLEMENT("EmptySettlement()"),
    HOSPITALS_NOT_ASCENDING("HospitalsNotAscending(uint256)"),
    ZERO_RECORD_COUNT("ZeroRecordCount(uint256)"),
    /** Solidity {@code Panic(uint256)}: checked arithmetic overflow and the like. */
    PANIC("Panic(uint256)"),
    /** Any other failure: unknown selector, out of gas, malformed revert data. */
    EXECUTION_FAILED(null);

    private final String signature;
    private final byte[] selector;
    private final List<String> argumentTypes;

    RevertReason(String signature) {
        this.signature = signature;
        this.selector = signature == null ? null : Abi.selector(signature);
        this.argumentTypes = signature == null ? List.of() : parseTypes(signature);
    }

    /** @return the Solidity error signature, or {@code null} for {@link #EXECUTION_FAILED} */
    public String signature() {
        return signature;
    }

    List<String> argumentTypes() {
        return argumentTypes;
    }

    static RevertReason forRevertData(byte[] data) {
        if (data != null && data.length >= 4) {
            for (RevertReason reason : values()) {
                if (reason.selector != null && Arrays.equals(reason.selector, 0, 4, data, 0, 4)) {
                    return reason;
                }
            }
        }
        return EXECUTION_FAILED;
    }

    private static List<String> parseTypes(String signature) {
        String inner = signature.substring(signature.indexOf('(') + 1, signature.length() - 1);
        return inner.isEmpty() ? List.of() : List.of(inner.split(","));
    }
}
