package org.medshare.service.queries.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.Consumes;
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
import java.util.Base64;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.Caller;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.queries.service.QueryApproval;
import org.medshare.service.queries.service.QueryPreview;
import org.medshare.service.queries.service.QueryService;
import org.medshare.service.queries.service.QueryService.QueryView;
import org.medshare.service.rest.Paging;

/** Aggregate queries: insurers submit and read their own; regulators see all and approve or refuse. */
@Path("/api/v1/queries")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
public class QueryResource {

    /** Body of a refusal. */
    public record Refusal(String reason) {}

    @Inject
    CallerResolver callers;

    @Inject
    QueryService queries;

    @Inject
    QueryApproval approval;

    @POST
    @RolesAllowed("insurer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a request against an approved template (enclave-sim/QUERY.md)")
    @APIResponse(
            responseCode = "201",
            description = "Submitted",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = QueryView.class)))
    public Response submit(
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema =
                                                    @Schema(
                                                            type = SchemaType.OBJECT,
                                                            description =
                                                                    "A query request (enclave-sim/QUERY.md, \"Requests\"): a JSON object")))
                    String requestJson) {
        return Response.status(Response.Status.CREATED)
                .entity(queries.submit(callers.current(), requestJson))
                .build();
    }

    @POST
    @Path("/preview")
    @RolesAllowed("insurer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Dry run of a request: whose records it would use, the k, epsilon and noise it would release with, its price, what would block it; nothing is stored or charged")
    public QueryPreview preview(
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema =
                                                    @Schema(
                                                            type = SchemaType.OBJECT,
                                                            description =
                                                                    "A query request, as for submission: a JSON object")))
                    String requestJson) {
        Caller insurer = callers.current();
        return approval.preview(insurer, queries.check(insurer, requestJson));
    }

    @GET
    @RolesAllowed({"insurer", "regulator"})
    @Operation(summary = "Queries: an insurer's own, or all for a regulator; newest first")
    @APIResponse(
            responseCode = "200",
            description = "One page of queries; Link rel=next and X-Next-From when more follow",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = QueryView.class)))
    public Response list(
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @Context UriInfo uri) {
        return Paging.page(uri, "offset", offset, limit, queries.list(callers.current(), offset, limit + 1));
    }

    @GET
    @Path("/{queryId}")
    @RolesAllowed({"insurer", "regulator"})
    @Operation(summary = "A query's status and, once completed, its enclave-signed result")
    public QueryView get(@PathParam("queryId") String queryId) {
        return queries.get(callers.current(), queryId);
    }

    @GET
    @Path("/{queryId}/approval-terms")
    @RolesAllowed("regulator")
    @Operation(
            summary =
                    "What a regulator signs to approve a waiting query: its template and request text, their content hash, the purpose attributes")
    public QueryApproval.ApprovalTerms approvalTerms(@PathParam("queryId") String queryId) {
        return approval.terms(queryId);
    }

    /**
     * A regulator's approval.
     *
     * @param approval base64 query approval signed with the regulator's own approval key over the query's
     *                 approval terms
     */
    public record Approval(String approval) {}

    @POST
    @Path("/{queryId}/approve")
    @RolesAllowed("regulator")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "Approve a submitted query with your signed approval: charges its epsilon, runs it in the enclave, settles its price")
    public QueryView approve(@PathParam("queryId") String queryId, Approval body) {
        byte[] signed = null;
        if (body != null && body.approval() != null) {
            try {
                signed = Base64.getDecoder().decode(body.approval());
            } catch (IllegalArgumentException e) {
                signed = new byte[] {0};
            }
        }
        return approval.approve(callers.current(), queryId, signed);
    }

    @POST
    @Path("/{queryId}/refuse")
    @RolesAllowed("regulator")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Refuse a submitted query, with a reason")
    public QueryView refuse(@PathParam("queryId") String queryId, Refusal refusal) {
        return approval.refuse(callers.current(), queryId, refusal == null ? null : refusal.reason());
    }
}
