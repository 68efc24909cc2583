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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.PartType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.medshare.service.consent.service.ConsentService;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.records.persistence.RecordAccess;
import org.medshare.service.records.service.RecordErasure;
import org.medshare.service.records.service.RecordRelease;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.records.service.RecordService.RecordView;
import org.medshare.service.records.service.RecordService.SharedRecord;
import org.medshare.service.records.service.RecordService.UploadParts;
import org.medshare.service.records.service.RecordService.UploadResult;
import org.medshare.service.rest.Paging;
import org.medshare.service.rest.QueryParameters;

/**
 * Encrypted records: upload (hospital), list and read metadata (own organisation), search across organisations by
 * patient pseudonym, ciphertext release (own organisation, or another's under policy, consent and purpose of use),
 * and who opened the organisation's records.
 */
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

    @Inject
    RecordRelease release;

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
    @APIResponse(
            responseCode = "201",
            description = "Stored: the record and its ledger receipt",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = UploadResult.class)))
    @APIResponse(
            responseCode = "200",
            description = "The same upload again (idempotent retry): the record stored the first time",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = UploadResult.class)))
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
    @APIResponse(
            responseCode = "200",
            description = "One page of records; Link rel=next and X-Next-From when more follow",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = RecordView.class)))
    public Response list(
            @QueryParam("resourceType") String resourceType,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @Context UriInfo uri) {
        return Paging.page(
                uri, "offset", offset, limit, records.list(callers.current(), resourceType, offset, limit + 1));
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
                    "A record's ciphertext envelope, released to your own organisation or, with a purpose of use, "
                            + "to another organisation's clinician whose attributes satisfy the policy and whom the patient's "
                            + "consent permits; ETREAT (emergency) needs a reason and is break-glass when consent does not "
                            + "permit. Logged as ACCESS (and BREAK_GLASS) before any byte; opening it needs a satisfying ABE key",
            description = "403 problem types: purpose-required, policy-not-satisfied, consent-revoked, consent-denied, "
                    + "consent-not-granted, reason-required, organisation-suspended. 400: invalid-purpose, "
                    + "invalid-reason.")
    public Response ciphertext(
            @PathParam("recordId") String recordId,
            @Parameter(
                            description = "HL7 v3 PurposeOfUse code: TREAT, ETREAT, CAREMGT, PATRQT, HPAYMT, HOPERAT, "
                                    + "HRESCH or PUBHLTH; required for another organisation's record")
                    @QueryParam("purpose")
                    String purpose,
            @Parameter(description = "Written reason of an emergency access (purpose=ETREAT), 10 to 1000 characters")
                    @QueryParam("reason")
                    String reason,
            @Context UriInfo uri) {
        return Response.ok(
                        records.ciphertext(
                                callers.current(),
                                recordId,
                                QueryParameters.given(uri, "purpose", purpose),
                                QueryParameters.given(uri, "reason", reason)),
                        MediaType.APPLICATION_OCTET_STREAM)
                .build();
    }

    @GET
    @Path("/search")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Find a patient's records across the consortium by the consortium pseudonym: the current "
                    + "versions whose policy your attributes satisfy (nothing is decrypted), newest first")
    @APIResponse(
            responseCode = "200",
            description = "One page of records; Link rel=next and X-Next-From when more follow",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = SharedRecord.class)))
    public Response search(
            @Parameter(
                            description = "The patient's consortium pseudonym (16-64 lower-case hex digits)",
                            required = true)
                    @QueryParam("patient")
                    String patient,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @Context UriInfo uri) {
        return Paging.page(uri, "offset", offset, limit, records.search(callers.current(), patient, offset, limit + 1));
    }

    @GET
    @Path("/{recordId}/statement")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "A record's public metadata and its hospital's signed upload statement (to check a downloaded "
                    + "envelope), for its own organisation or a caller whose attributes satisfy its policy")
    public SharedRecord statement(@PathParam("recordId") String recordId) {
        return records.shared(callers.current(), recordId);
    }

    @GET
    @Path("/access")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Who opened your organisation's records: clinician, organisation, purpose, consent versions, "
                    + "break-glass, when, and the ACCESS event's ledger index; newest first")
    @APIResponse(
            responseCode = "200",
            description = "One page of releases; Link rel=next and X-Next-From when more follow",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = RecordAccess.class)))
    public Response access(
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @Context UriInfo uri) {
        return Paging.page(uri, "offset", offset, limit, release.accessesOf(callers.current(), offset, limit + 1));
    }

    @GET
    @Path("/access/{ledgerIndex}/proof")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "A release of one of your organisation's records, as the ledger holds it: the ACCESS event's "
                    + "canonical encoding and its inclusion proof against a signed checkpoint")
    public RecordRelease.AccessProof accessProof(@PathParam("ledgerIndex") @Min(0) long ledgerIndex) {
        return release.accessProof(callers.current(), ledgerIndex);
    }

    @POST
    @Path("/{recordId}/consent/revoke")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Revoke the patient's consent for one of your records: no later query uses it (CONSENT_REVOKED)")
    public ConsentRevocation revokeConsent(@PathParam("recordId") String recordId) {
        boolean changed = consents.revokeRecord(callers.current(), recordId);
        return new ConsentRevocation(recordId, true, changed);
    }

    /**
     * A record's consent revocation.
     *
     * @param revoked always true: the consent is revoked after the call
     * @param changed false when it was revoked already (the call is idempotent)
     */
    public record ConsentRevocation(String recordId, boolean revoked, boolean changed) {}
}
