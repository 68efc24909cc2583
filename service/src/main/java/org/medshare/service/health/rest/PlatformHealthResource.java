package org.medshare.service.health.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.health.service.PlatformHealthService;
import org.medshare.service.health.service.PlatformHealthService.PlatformHealth;
import org.medshare.service.identity.CallerResolver;

/** The platform's state for the monitoring page: ledger members, storage nodes, simulated enclaves. */
@Path("/api/v1/health")
@SecurityRequirement(name = "SecurityScheme")
public class PlatformHealthResource {

    @Inject
    CallerResolver callers;

    @Inject
    PlatformHealthService health;

    @GET
    @Path("/platform")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Operation(
            summary =
                    "Ledger members and checkpoint, last anchor on the external EVM chain (transaction, block, failures), storage nodes (up/down, shards, repair queue, last scrub), enclave mode and measurements; enclave process ids for the regulator only")
    public PlatformHealth platform() {
        return health.snapshot(callers.current().roles().contains("regulator"));
    }
}
