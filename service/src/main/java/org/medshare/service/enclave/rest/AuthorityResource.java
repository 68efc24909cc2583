package org.medshare.service.enclave.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.enclave.EnclaveGateway;

/** The key authority's public ABE parameters, which hospitals encrypt under. */
@Path("/api/v1/authority")
@SecurityRequirement(name = "SecurityScheme")
public class AuthorityResource {

    private final EnclaveGateway enclaves;

    @Inject
    AuthorityResource(EnclaveGateway enclaves) {
        this.enclaves = enclaves;
    }

    @GET
    @Path("/parameters")
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The ABE public parameters (versioned binary), from the key-authority enclave")
    public byte[] parameters() {
        return enclaves.publicParametersBytes();
    }
}
