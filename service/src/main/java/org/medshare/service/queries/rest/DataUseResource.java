package org.medshare.service.queries.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.queries.service.QueryService;

/** A hospital's data-use rules and consent revocations for its records. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("hospital")
public class DataUseResource {

    /** Body: the complete list of rules, each {@code purpose/templateId} or {@code purpose/*}. */
    public record Rules(@NotNull @Size(max = 100) List<String> rules) {
    }

    private final CallerResolver callers;
    private final QueryService queries;

    @Inject
    DataUseResource(CallerResolver callers, QueryService queries) {
        this.callers = callers;
        this.queries = queries;
    }

    @GET
    @Path("/data-use-rules")
    @Operation(summary = "Your organisation's data-use rules (default deny)")
    public Set<String> rules() {
        return queries.dataUseRules(callers.current());
    }

    @PUT
    @Path("/data-use-rules")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace your organisation's data-use rules")
    public Set<String> replace(@jakarta.validation.Valid Rules rules) {
        return queries.replaceDataUseRules(callers.current(), rules.rules());
    }

    @POST
    @Path("/records/{recordId}/consent/$revoke")
    @Operation(summary = "Revoke the patient's consent for one of your records: no later query uses it")
    public Map<String, Object> revoke(@PathParam("recordId") String recordId) {
        boolean changed = queries.revokeConsent(callers.current(), recordId);
        return Map.of("recordId", recordId, "revoked", true, "changed", changed);
    }
}
