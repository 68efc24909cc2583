package org.medshare.service.records.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.records.persistence.BreakGlassCase;
import org.medshare.service.records.service.BreakGlassReview;
import org.medshare.service.rest.Paging;
import org.medshare.service.rest.QueryParameters;

/** The regulator's review queue of emergency ("break-glass") record releases. */
@Path("/api/v1/break-glass")
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("regulator")
public class BreakGlassResource {

    /** Body of a review: an optional note. */
    public record ReviewRequest(
            @Schema(nullable = true) @Size(max = BreakGlassReview.MAX_NOTE)
            String note) {}

    /**
     * A review's answer.
     *
     * @param changed false when the case was reviewed already (the call is idempotent; the first review stays)
     */
    public record Reviewed(BreakGlassCase breakGlass, boolean changed) {}

    @Inject
    CallerResolver callers;

    @Inject
    BreakGlassReview review;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Emergency (break-glass) releases, oldest first, with the clinician's reason; state=pending "
                    + "(default) lists those not yet reviewed, state=all every one")
    @APIResponse(
            responseCode = "200",
            description = "One page of cases; Link rel=next and X-Next-From when more follow",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = BreakGlassCase.class)))
    public Response list(
            @Parameter(description = "pending (the default): not yet reviewed; all: every case") @QueryParam("state")
                    String state,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @Context UriInfo uri) {
        return Paging.page(
                uri,
                "offset",
                offset,
                limit,
                review.list(QueryParameters.given(uri, "state", state), offset, limit + 1));
    }

    @POST
    @Path("/{ledgerIndex}/review")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Mark an emergency release (by its BREAK_GLASS ledger index) reviewed, with a note; idempotent")
    public Reviewed markReviewed(@PathParam("ledgerIndex") String ledgerIndex, @Valid @NotNull ReviewRequest request) {
        BreakGlassReview.Review r = review.review(callers.current(), ledgerIndex, request.note());
        return new Reviewed(r.breakGlass(), r.changed());
    }
}
