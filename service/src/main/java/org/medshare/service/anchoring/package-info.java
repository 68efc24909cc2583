/**
 * Anchoring the audit ledger's checkpoints on an external EVM chain, so that a rewritten history is caught by
 * anyone who reads the chain, and the anchoring's status for the monitoring page.
 */
package org.medshare.service.anchoring;
