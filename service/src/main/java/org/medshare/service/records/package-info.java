/**
 * Encrypted records: signed uploads checked and stored as ciphertext, anchored on the ledger, listed and
 * released to clinicians whose keys may open them; and the recovery of uploads interrupted between commit and
 * ledger.
 */
package org.medshare.service.records;
