/**
 * Data access for consent: the patients each record names (and so the consent that covers it) and the
 * revocations of both kinds, with the salts of their ledger subject hashes.
 */
package org.medshare.service.consent.persistence;
