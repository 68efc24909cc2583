/**
 * The one consent service: finding a hospital's patient consents and revoking a record's or a patient's
 * consent (idempotent, one CONSENT_REVOKED event of one shape), and the deterministic consent ids.
 */
package org.medshare.service.consent.service;
