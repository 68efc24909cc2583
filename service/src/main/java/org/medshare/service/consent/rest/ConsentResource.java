package org.medshare.service.consent.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.consent.ConsentProvision;
import org.medshare.service.consent.persistence.PatientConsent;
import org.medshare.service.consent.service.ConsentService;
import org.medshare.service.identity.Caller;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * A hospital's patient consents as plain JSON, and their provisions: which other organisations may receive the
 * patient's records, for which purposes of use and when. The same consents are FHIR R4 Consent resources under
 * {@code /api/v1/fhir/Consent} (provisions as nested {@code Consent.provision}).
 */
@Path("/api/v1/consents")
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("hospital")
public class ConsentResource {

    /** Body: the complete list of provisions (an empty list removes them all). */
    public record Provisions(@NotNull List<ConsentProvision> provisions) {}

    /**
     * A patient consent.
     *
     * @param patient     the pseudonymous patient reference
     * @param active      false once revoked
     * @param version     1 without provisions; one more at each change of the provisions and at the revocation
     * @param provisionsSalt hex salt of the {@code PROVISIONS_HASH} on the consent's latest CONSENT_CHANGED ledger
     *                    event, null without provisions: hand it to an auditor to check the event against the
     *                    provisions
     * @param changed     whether the call that answered changed the consent (always false for a read)
     */
    public record ConsentView(
            String id,
            String organisation,
            String patient,
            boolean active,
            int version,
            List<ConsentProvision> provisions,
            Instant since,
            long records,
            @Schema(nullable = true) Instant revokedAt,
            @Schema(nullable = true) Instant provisionsUpdatedAt,
            @Schema(nullable = true) String provisionsSalt,
            boolean changed) {

        static ConsentView of(PatientConsent c, String provisionsSalt, boolean changed) {
            return new ConsentView(
                    c.id(),
                    c.organisation(),
                    c.patientRef(),
                    c.active(),
                    c.version(),
                    c.provisions(),
                    c.since(),
                    c.records(),
                    c.revokedAt(),
                    c.updatedAt(),
                    provisionsSalt,
                    changed);
        }
    }

    @Inject
    CallerResolver callers;

    @Inject
    ConsentService consents;

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One of your organisation's patient consents, with its provisions and version")
    public ConsentView get(@PathParam("id") String id) {
        Caller caller = callers.current();
        PatientConsent consent =
                consents.find(caller, id).orElseThrow(() -> RequestRefusedException.notFound("Consent " + id));
        return ConsentView.of(consent, consents.provisionsSalt(caller, id).orElse(null), false);
    }

    @PUT
    @Path("/{id}/provisions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Replace a patient consent's provisions: permit or deny the release of the patient's records to "
                    + "other organisations by purpose of use (HL7 v3 PurposeOfUse), recipient organisation and "
                    + "period; the version goes up by one (the same provisions again change nothing)")
    public ConsentView replace(@PathParam("id") String id, @Valid @NotNull Provisions body) {
        Caller caller = callers.current();
        ConsentService.ProvisionChange change = consents.replaceProvisions(caller, id, body.provisions());
        return ConsentView.of(
                change.consent(), consents.provisionsSalt(caller, id).orElse(null), change.changed());
    }
}
