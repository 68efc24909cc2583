package org.medshare.ledger.contract;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a successful state-changing call.
 *
 * @param call   the call as applied (append it to the history to replay later)
 * @param events the contract events it emitted, in emission order
 */
public record CallReceipt(ContractCall call, List<EscrowEvent> events) {
    public CallReceipt {
        Objects.requireNonNull(call, "call");
        events = List.copyOf(events);
    }
}
