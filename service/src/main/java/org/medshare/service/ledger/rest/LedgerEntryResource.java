package org.medshare.service.ledger.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.EncodedEntry;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * A ledger entry's canonical bytes, so that a regulator can recompute its RFC 9162 leaf hash
 * (hash of 0x00 ‖ bytes) without trusting the service's word for it.
 */
@Path("/api/v1/ledger")
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("regulator")
public class LedgerEntryResource {

    @Inject
    LedgerService ledger;

    @GET
    @Path("/entries/{index}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One ledger entry's canonical encoding (base64) and leaf hash")
    public EncodedEntry entry(@PathParam("index") @Min(0) long index) {
        if (index >= ledger.size()) {
            throw RequestRefusedException.notFound("Ledger entry " + index);
        }
        return ledger.encodedEntry(index);
    }
}
