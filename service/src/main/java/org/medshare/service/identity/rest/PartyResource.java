package org.medshare.service.identity.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.service.PartyService;
import org.medshare.service.identity.service.PartyService.PartySummary;

/** The register of parties that have used the service; for regulators only. */
@Path("/api/v1/parties")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
public class PartyResource {

    @Inject
    PartyService parties;

    @GET
    @RolesAllowed("regulator")
    @Operation(summary = "Every party that has contacted the service, by organisation then subject")
    public List<PartySummary> list() {
        return parties.list();
    }
}
