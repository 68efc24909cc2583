/**
 * The consortium ledger as the organisations run it: the consortium file every party shares
 * ({@link org.medshare.ledger.consortium.Consortium}: origin, Raft group, suite, quorum, and one member per
 * organisation with its addresses and checkpoint key) and one organisation's node
 * ({@link org.medshare.ledger.consortium.ConsortiumNode}: its own copy of the log, its Raft member and witness, and
 * the proposer that runs while it leads).
 *
 * <p>Writers that are not members (the service) submit through a
 * {@link org.medshare.ledger.replication.GroupClient}; they hold no member key, so only the members' quorum of
 * cosignatures makes a checkpoint final. Pure library: the read-only HTTP server of a node is wired by the
 * command line ({@code medshare node run}).
 */
package org.medshare.ledger.consortium;
