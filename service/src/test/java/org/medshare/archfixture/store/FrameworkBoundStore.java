package org.medshare.archfixture.store;

import jakarta.enterprise.context.ApplicationScoped;
import org.medshare.archfixture.ledger.CyclicLedger;

/** Breaks "libraries never import Quarkus, Jakarta, CDI or Hibernate". */
@ApplicationScoped
public class FrameworkBoundStore {
    public Object ledger() {
        return new CyclicLedger();
    }
}
