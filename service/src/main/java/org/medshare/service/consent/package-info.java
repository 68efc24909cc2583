/**
 * Patient consent: which records each pseudonymous patient's consent covers, and its revocation, per record or
 * per patient, each appended to the ledger as CONSENT_REVOKED.
 */
package org.medshare.service.consent;
