package org.medshare.ledger.contract;

import java.util.List;

/**
 * The incentive contract refused a call; nothing changed. The message names the
 * function and the decoded Solidity error with its arguments (addresses, ids
 * and amounts: no secrets).
 */
public final class ContractCallException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RevertReason reason;
    private final List<String> arguments;

    ContractCallException(String function, RevertReason reason, List<String> arguments, String engineError) {
        super("incentive contract refused " + function + ": "
                + (reason == RevertReason.EXECUTION_FAILED
                        ? "execution failed (" + engineError + ")"
                        : reason.signature().substring(0, reason.signature().indexOf('(')) + arguments));
        this.reason = reason;
        this.arguments = List.copyOf(arguments);
    }

    /**
     * Rebuilds a refusal reported by another member (replicated execution), so
     * callers see the same exception whichever member executed the call.
     */
    public static ContractCallException reported(String function, RevertReason reason, List<String> arguments) {
        return new ContractCallException(function, reason, arguments, "reported by the group");
    }

    /** @return the decoded refusal */
    public RevertReason reason() {
        return reason;
    }

    /** @return the error's arguments as text ({@code 0x…} hex for addresses and ids, decimal for numbers) */
    public List<String> arguments() {
        return arguments;
    }
}
