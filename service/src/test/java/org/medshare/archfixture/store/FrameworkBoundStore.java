package org.medshare.archfixture.store;

/** Breaks "libraries never import Quarkus, Jakarta, CDI or Hibernate". */
@jakarta.enterprise.context.ApplicationScoped
public class FrameworkBoundStore {
    public Object ledger() {
        return new org.medshare.archfixture.ledger.CyclicLedger();
    }
}
