package org.medshare.archfixture.ledger;

import org.medshare.archfixture.enclave.CyclicEnclave;

/** With {@link CyclicEnclave}, breaks "no cycles between modules" and "ledger is a pure library". */
public class CyclicLedger {
    public CyclicEnclave enclave() {
        return new CyclicEnclave();
    }
}
