/**
 * {@code medshare consent}: a hospital shows and changes its patients' consents (FHIR R4 Consent with provisions:
 * permit or deny the release of the patient's records to other organisations by purpose of use, recipient and
 * period) and revokes them. The patient is named by identifier, made into the consortium reference on this machine.
 */
package org.medshare.client.consent;
