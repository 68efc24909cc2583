package org.medshare.service.identity.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.SortedSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.Caller;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.identity.service.PartyService;

/** Who am I: the caller's roles, organisation and ABE attributes as the service sees them. */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
public class MeResource {

    /** API model of {@code GET /api/v1/me}. */
    public record Me(
            String subject,
            SortedSet<String> roles,
            String organisation,
            SortedSet<String> abeAttributes,
            Instant firstSeen) {}

    @Inject
    CallerResolver callers;

    @Inject
    PartyService parties;

    @GET
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Operation(summary = "The caller's roles, organisation and ABE attributes")
    public Me me() {
        Caller caller = callers.current();
        Instant firstSeen = parties.recordContact(caller);
        return new Me(caller.subject(), caller.roles(), caller.organisation(), caller.abeAttributes(), firstSeen);
    }
}
