package org.medshare.service.queries.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.queries.service.DisclosureLimitsService;
import org.medshare.service.queries.service.DisclosureLimitsService.DisclosureLimitsInput;
import org.medshare.service.queries.service.DisclosureLimitsService.DisclosureLimitsView;
import org.medshare.service.refusal.Refusal;
import org.medshare.service.refusal.RequestRefusedException;

/** A hospital's own disclosure limits: what a query over its records may release, on top of the template's. */
@Path("/api/v1/disclosure-limits")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("hospital")
public class DisclosureLimitsResource {

    @Inject
    CallerResolver callers;

    @Inject
    DisclosureLimitsService limits;

    @GET
    @Operation(summary = "Your organisation's own disclosure limits (404 if it set none)")
    public DisclosureLimitsView limits() {
        return limits.limits(callers.current())
                .orElseThrow(() -> new RequestRefusedException(
                        Refusal.NOT_FOUND,
                        "no-disclosure-limits",
                        "No disclosure limits",
                        "Your organisation has set no disclosure limits of its own: queries over its records follow"
                                + " their templates' limits. Set some with PUT /api/v1/disclosure-limits."));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Set your organisation's own disclosure limits, in force for queries approved from now on: k,"
                    + " largest ε per query, rows per patient, required noise, allowed aggregates and fields")
    public DisclosureLimitsView set(@NotNull DisclosureLimitsInput input) {
        return limits.set(callers.current(), input);
    }
}
