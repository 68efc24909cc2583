package org.medshare.service.consent.persistence;

import java.time.Instant;
import java.util.List;
import org.medshare.service.consent.ConsentProvision;

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
 * @param version      1 for a consent without provisions, raised by one at each change of its provisions and by its
 *                     revocation
 * @param provisions   the provisions that permit or deny release to other organisations, in the order given
 * @param updatedAt    when the provisions were last changed, or null if never
 */
public record PatientConsent(
        String id,
        String organisation,
        String patientRef,
        Instant since,
        long records,
        Instant revokedAt,
        String revokedBy,
        Long ledgerIndex,
        int version,
        List<ConsentProvision> provisions,
        Instant updatedAt) {

    public PatientConsent {
        provisions = List.copyOf(provisions);
    }

    /** A consent without provisions (version 1, or 2 once revoked). */
    public PatientConsent(
            String id,
            String organisation,
            String patientRef,
            Instant since,
            long records,
            Instant revokedAt,
            String revokedBy,
            Long ledgerIndex) {
        this(
                id,
                organisation,
                patientRef,
                since,
                records,
                revokedAt,
                revokedBy,
                ledgerIndex,
                revokedAt == null ? 1 : 2,
                List.of(),
                null);
    }

    public boolean active() {
        return revokedAt == null;
    }
}
