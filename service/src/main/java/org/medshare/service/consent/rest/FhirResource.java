package org.medshare.service.consent.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.consent.service.ConsentService;
import org.medshare.service.fhir.FhirSchemas;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.refusal.RequestRefusedException;
import org.medshare.service.rest.Paging;

/**
 * The service's FHIR R4 facade (application/fhir+json): patient Consent per hospital and pseudonymous patient,
 * with the {@code $revoke} operation. A hospital sees only its own organisation's consents. Errors are
 * problem+json like everywhere else in the API.
 */
@Path("/api/v1/fhir")
@SecurityRequirement(name = "SecurityScheme")
public class FhirResource {

    @Inject
    CallerResolver callers;

    @Inject
    ConsentService consents;

    @Inject
    ConsentFhir fhir;

    @GET
    @Path("/Consent")
    @RolesAllowed("hospital")
    @Produces({ConsentFhir.MEDIA_TYPE, "application/json"})
    @Operation(
            summary =
                    "Search your organisation's patient consents (patient=Patient/<pseudonymous ref> or the bare ref); a FHIR searchset Bundle")
    @APIResponse(
            responseCode = "200",
            description = "A FHIR R4 searchset Bundle: total counts every match; link self/next/previous",
            content = {
                @Content(
                        mediaType = ConsentFhir.MEDIA_TYPE,
                        schema = @Schema(implementation = FhirSchemas.Bundle.class)),
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = FhirSchemas.Bundle.class))
            })
    public Response search(
            @QueryParam("patient") String patient,
            @QueryParam("_offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("_count") @DefaultValue("100") @Min(1) @Max(1000) int count,
            @Context UriInfo uri) {
        String ref = patient == null ? null : patient.startsWith("Patient/") ? patient.substring(8) : patient;
        if (ref != null && !ref.matches("[0-9a-f]{16,64}")) {
            throw RequestRefusedException.invalid(
                    "invalid-patient-reference",
                    "Invalid patient reference",
                    "patient is Patient/<pseudonymous reference> (16-64 lower-case hex digits).");
        }
        ConsentService.SearchPage page = consents.search(callers.current(), ref, offset, count);
        Map<String, URI> links = Paging.fhirLinks(uri, offset, count, page.total());
        return Paging.withFhirNext(Response.fromResponse(fhir.searchSet(page, links)), links, offset, count)
                .build();
    }

    @GET
    @Path("/Consent/{id}")
    @RolesAllowed("hospital")
    @Produces({ConsentFhir.MEDIA_TYPE, "application/json"})
    @Operation(summary = "One of your organisation's patient consents (FHIR R4 Consent)")
    @APIResponse(
            responseCode = "200",
            description = "A FHIR R4 Consent",
            content = {
                @Content(
                        mediaType = ConsentFhir.MEDIA_TYPE,
                        schema = @Schema(implementation = FhirSchemas.Consent.class)),
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = FhirSchemas.Consent.class))
            })
    public Response read(@PathParam("id") String id) {
        return fhir.consent(consents.find(callers.current(), id)
                .orElseThrow(() -> RequestRefusedException.notFound("Consent " + id)));
    }

    @POST
    @Path("/Consent/{id}/$revoke")
    @RolesAllowed("hospital")
    @Produces({ConsentFhir.MEDIA_TYPE, "application/json"})
    @Operation(
            summary =
                    "Revoke a patient's consent: none of the patient's records at your hospital is used or released any more (CONSENT_REVOKED; idempotent)")
    @APIResponse(
            responseCode = "200",
            description = "The revoked FHIR R4 Consent",
            content = {
                @Content(
                        mediaType = ConsentFhir.MEDIA_TYPE,
                        schema = @Schema(implementation = FhirSchemas.Consent.class)),
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = FhirSchemas.Consent.class))
            })
    public Response revoke(@PathParam("id") String id) {
        ConsentService.Revocation r = consents.revoke(callers.current(), id);
        return fhir.consent(r.consent());
    }
}
