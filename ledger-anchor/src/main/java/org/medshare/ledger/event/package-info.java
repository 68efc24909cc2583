/**
 * Ledger events: ten types with fixed field lists, values restricted to ids, 32-byte (salted)
 * hashes and amounts, and one canonical versioned binary encoding
 * ({@link org.medshare.ledger.event.EventCodec}, version 1). No record content and no patient
 * identifier can be expressed: sensitive values enter only as
 * {@link org.medshare.ledger.event.SaltedHash}es, so erasing the off-chain salt erases the link.
 */
package org.medshare.ledger.event;
