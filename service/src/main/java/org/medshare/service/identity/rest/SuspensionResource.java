package org.medshare.service.identity.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.identity.service.Suspensions;
import org.medshare.service.identity.service.Suspensions.Reinstatement;
import org.medshare.service.identity.service.Suspensions.Suspension;

/** The consortium's black list: regulators suspend and reinstate organisations; every party may read it. */
@Path("/api/v1/suspensions")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
public class SuspensionResource {

    /** Body of a suspension: one of the reason codes of {@link Suspensions#REASONS} (the document lists them). */
    public record SuspensionRequest(
            @Schema(
                    enumeration = {
                        "investigation",
                        "security-incident",
                        "licence-lapsed",
                        "rule-breach",
                        "member-request"
                    })
            @NotNull
            @Size(min = 1, max = 64)
            String reason) {}

    @Inject
    CallerResolver callers;

    @Inject
    Suspensions suspensions;

    @GET
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Operation(summary = "The organisations suspended now, with the reason code and the ledger entry of each")
    public List<Suspension> list() {
        return suspensions.list();
    }

    @PUT
    @Path("/{organisation}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("regulator")
    @Operation(
            summary = "Suspend an organisation (ORGANISATION_SUSPENDED): it may no longer write, and no record is"
                    + " released to it; idempotent")
    public Suspension suspend(
            @PathParam("organisation") String organisation, @Valid @NotNull SuspensionRequest request) {
        return suspensions.suspend(callers.current(), organisation, request.reason());
    }

    @DELETE
    @Path("/{organisation}")
    @RolesAllowed("regulator")
    @Operation(summary = "Reinstate a suspended organisation (ORGANISATION_REINSTATED)")
    public Reinstatement reinstate(@PathParam("organisation") String organisation) {
        return suspensions.reinstate(callers.current(), organisation);
    }
}
