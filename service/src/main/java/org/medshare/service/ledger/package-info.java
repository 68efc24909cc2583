/**
 * The service's one way onto the embedded audit ledger: opening it with its member key, appending events and
 * answering with receipts (inclusion proofs against signed checkpoints) that a regulator checks offline.
 */
package org.medshare.service.ledger;
