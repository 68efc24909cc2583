package org.medshare.archfixture.enclave;

import org.medshare.archfixture.ledger.CyclicLedger;

/** Breaks "enclave-sim depends on abe-crypto only" and closes the cycle with {@link CyclicLedger}. */
public class CyclicEnclave {
    public CyclicLedger ledger() {
        return new CyclicLedger();
    }
}
