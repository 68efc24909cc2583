package org.medshare.service.records.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.fhir.FhirJson;
import org.medshare.service.fhir.FhirSchemas;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.records.service.RecordService.SharedRecord;
import org.medshare.service.rest.Paging;

/** The discovery search as FHIR R4: DocumentReference by patient pseudonym (application/fhir+json). */
@Path("/api/v1/fhir/DocumentReference")
@SecurityRequirement(name = "SecurityScheme")
public class DocumentReferenceResource {

    @Inject
    CallerResolver callers;

    @Inject
    RecordService records;

    @Inject
    FhirJson json;

    @GET
    @RolesAllowed("hospital")
    @Produces({FhirJson.MEDIA_TYPE, "application/json"})
    @Operation(
            summary = "A patient's records across the consortium (patient=Patient/<pseudonym> or the bare pseudonym) "
                    + "whose policy your attributes satisfy, as a FHIR searchset Bundle of DocumentReferences whose "
                    + "attachment points at the ciphertext")
    @APIResponse(
            responseCode = "200",
            description = "A FHIR R4 searchset Bundle: total counts every match; link self/next/previous",
            content = {
                @Content(mediaType = FhirJson.MEDIA_TYPE, schema = @Schema(implementation = FhirSchemas.Bundle.class)),
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = FhirSchemas.Bundle.class))
            })
    public Response search(
            @QueryParam("patient") String patient,
            @QueryParam("_offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("_count") @DefaultValue("100") @Min(1) @Max(1000) int count,
            @Context UriInfo uri) {
        String ref = patient != null && patient.startsWith("Patient/") ? patient.substring(8) : patient;
        List<SharedRecord> all = records.search(callers.current(), ref, 0, Integer.MAX_VALUE);
        List<SharedRecord> page = all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + count));
        Map<String, URI> links = Paging.fhirLinks(uri, offset, count, all.size());
        return Paging.withFhirNext(
                        Response.ok(
                                json.write(DocumentReferenceFhir.bundle(page, ref, all.size(), links)),
                                FhirJson.MEDIA_TYPE),
                        links,
                        offset,
                        count)
                .build();
    }
}
