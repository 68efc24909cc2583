package org.medshare.service.epochs.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.epochs.service.AttributeEpochs;
import org.medshare.service.epochs.service.AttributeEpochs.EpochsView;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.refusal.RequestRefusedException;

/** The consortium's attribute epochs: every party reads them; a regulator raises the current one. */
@Path("/api/v1/authority/epochs")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
public class EpochResource {

    /** Body of a raise: the new epoch, {@code YYYYQn}, later than the current one. */
    public record EpochRaise(
            @Schema(required = true, pattern = "^[0-9]{4}Q[1-4]$", example = "2027Q1")
            String epoch) {}

    @Inject
    CallerResolver callers;

    @Inject
    AttributeEpochs epochs;

    @GET
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Operation(summary = "The current attribute epoch (keys and new policies) and the retired ones")
    public EpochsView list() {
        return epochs.view();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("regulator")
    @Operation(
            summary = "Raise the attribute epoch (EPOCH_RAISED): keys are issued for the new epoch only, and records"
                    + " under a retired epoch are released to other organisations only once re-encrypted")
    public EpochsView raise(EpochRaise request) {
        if (request == null) {
            throw RequestRefusedException.invalid(
                    "invalid-epoch", "Invalid epoch", "The body names the new epoch: {\"epoch\":\"2027Q1\"}.");
        }
        return epochs.raise(callers.current(), request.epoch());
    }
}
