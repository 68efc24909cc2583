package org.medshare.service.records.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.PartType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.medshare.service.consent.service.ConsentService;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.records.service.RecordErasure;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.records.service.RecordService.RecordView;
import org.medshare.service.records.service.RecordService.UploadParts;
import org.medshare.service.records.service.RecordService.UploadResult;

/** Encrypted records: upload (hospital), list and read metadata (own organisation), ciphertext download. */
@Path("/api/v1/records")
@SecurityRequirement(name = "SecurityScheme")
public class RecordResource {

    @Inject
    CallerResolver callers;

    @Inject
    RecordService records;

    @Inject
    ConsentService consents;

    @Inject
    RecordErasure erasure;

    @DELETE
    @Path("/{recordId}")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Erase one of your records: gone from queries, its shards deleted on every node (ERASED)")
    public RecordErasure.Erasure erase(@PathParam("recordId") String recordId) {
        return erasure.erase(callers.current(), recordId);
    }

    @POST
    @RolesAllowed("hospital")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload a signed, encrypted record: parts metadata (JSON), envelope and rows (binary)")
    public Response upload(
            @RestForm("metadata") @PartType(MediaType.TEXT_PLAIN) String metadata,
            @RestForm("envelope") FileUpload envelope,
            @RestForm("rows") FileUpload rows) {
        UploadResult result = records.upload(
                callers.current(),
                new UploadParts(
                        metadata,
                        envelope == null ? null : envelope.uploadedFile(),
                        rows == null ? null : rows.uploadedFile()));
        return Response.status(result.replayed() ? Response.Status.OK : Response.Status.CREATED)
                .type(MediaType.APPLICATION_JSON)
                .entity(result)
                .build();
    }

    @GET
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Your organisation's records (current versions), newest first; resourceType filters by "
                    + "the disclosed resource summary")
    public List<RecordView> list(
            @QueryParam("resourceType") String resourceType,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        return records.list(callers.current(), resourceType, offset, limit);
    }

    @GET
    @Path("/{recordId}")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One of your organisation's records")
    public RecordView get(@PathParam("recordId") String recordId) {
        return records.get(callers.current(), recordId);
    }

    @GET
    @Path("/{recordId}/ciphertext")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(
            summary =
                    "A record's ciphertext envelope (logged as an ACCESS event); opening it needs a satisfying ABE key")
    public Response ciphertext(@PathParam("recordId") String recordId) {
        return Response.ok(records.ciphertext(callers.current(), recordId), MediaType.APPLICATION_OCTET_STREAM)
                .build();
    }

    @POST
    @Path("/{recordId}/consent/revoke")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Revoke the patient's consent for one of your records: no later query uses it (CONSENT_REVOKED)")
    public Map<String, Object> revokeConsent(@PathParam("recordId") String recordId) {
        boolean changed = consents.revokeRecord(callers.current(), recordId);
        return Map.of("recordId", recordId, "revoked", true, "changed", changed);
    }
}
