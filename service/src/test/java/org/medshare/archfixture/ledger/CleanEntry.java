package org.medshare.archfixture.ledger;

/** Obeys the framework rule: nothing but the JDK. */
public record CleanEntry(long index) {}
