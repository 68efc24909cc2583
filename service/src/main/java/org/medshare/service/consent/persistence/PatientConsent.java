package org.medshare.service.consent.persistence;

import java.time.Instant;

/**
 * The consent of one pseudonymous patient at one hospital, as the service knows it: it exists once a visible record
 * of the hospital names the patient, and is active until revoked.
 *
 * @param id           consent id ({@code ConsentIds.of(organisation, patientRef)})
 * @param organisation the hospital
 * @param patientRef   the pseudonymous patient reference (a keyed hash)
 * @param since        when the first record of the patient became visible
 * @param records      visible records of the patient at this hospital
 * @param revokedAt    when it was revoked, or null while active
 * @param revokedBy    who revoked it ({@code organisation:subject}), or null
 * @param ledgerIndex  the CONSENT_REVOKED event's index, or null
 */
public record PatientConsent(
        String id,
        String organisation,
        String patientRef,
        Instant since,
        long records,
        Instant revokedAt,
        String revokedBy,
        Long ledgerIndex) {

    public boolean active() {
        return revokedAt == null;
    }
}
