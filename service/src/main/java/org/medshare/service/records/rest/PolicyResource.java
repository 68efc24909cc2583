package org.medshare.service.records.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.records.service.PolicyPreview;
import org.medshare.service.records.service.RecordService;

/** Policies: what a record's policy would allow, before anything is encrypted under it. */
@Path("/api/v1/policies")
@SecurityRequirement(name = "SecurityScheme")
public class PolicyResource {

    /** Body: the policy expression to preview. */
    public record PreviewRequest(@NotNull @Size(max = 16384) String policy) {}

    @Inject
    CallerResolver callers;

    @Inject
    RecordService records;

    @POST
    @Path("/preview")
    @RolesAllowed("hospital")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "From the policy text alone, which organisations, roles and departments could open a record "
                    + "under it (its minimal satisfying attribute sets); checked by the same rules as an upload")
    public PolicyPreview preview(@Valid @NotNull PreviewRequest request) {
        return records.preview(callers.current(), request.policy());
    }
}
