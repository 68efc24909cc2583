package org.medshare.service.records.persistence;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One release of a record's ciphertext, as its ACCESS event records it.
 *
 * @param ledgerIndex     the ACCESS event's index (its inclusion proof is {@code /api/v1/audit/proofs/inclusion})
 * @param recordId        the record released
 * @param owner           the organisation that uploaded it
 * @param clinician       who received it, {@code organisation:subject}
 * @param organisation    the recipient's organisation
 * @param purpose         the HL7 v3 PurposeOfUse code the request named, or null (the owner's download without one)
 * @param consentVersions the versions of the consents that decided the release ({@code v2.1}, {@code none}), or
 *                        null when no consent was consulted (the owner's own clinicians)
 * @param breakGlass      whether it was an emergency release the consent did not permit (BREAK_GLASS follows)
 * @param accessedAt      when it was released
 */
public record RecordAccess(
        long ledgerIndex,
        String recordId,
        String owner,
        String clinician,
        String organisation,
        @Schema(nullable = true) String purpose,
        @Schema(nullable = true) String consentVersions,
        boolean breakGlass,
        Instant accessedAt) {}
