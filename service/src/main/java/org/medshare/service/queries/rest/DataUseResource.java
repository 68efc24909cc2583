package org.medshare.service.queries.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.queries.service.DataUseService;

/** A hospital's data-use rules: which purposes and templates may use its records (default deny). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("hospital")
public class DataUseResource {

    /** Body: the complete list of rules, each {@code purpose/templateId} or {@code purpose/*}. */
    public record Rules(@NotNull @Size(max = 100) List<String> rules) {}

    @Inject
    CallerResolver callers;

    @Inject
    DataUseService dataUse;

    @GET
    @Path("/data-use-rules")
    @Operation(summary = "Your organisation's data-use rules (default deny)")
    public Set<String> rules() {
        return dataUse.rules(callers.current());
    }

    @PUT
    @Path("/data-use-rules")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace your organisation's data-use rules")
    public Set<String> replace(@Valid @NotNull Rules rules) {
        return dataUse.replace(callers.current(), rules.rules());
    }
}
