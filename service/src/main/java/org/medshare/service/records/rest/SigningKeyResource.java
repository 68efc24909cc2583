package org.medshare.service.records.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.records.service.SigningKeyService;
import org.medshare.service.records.service.SigningKeyService.SigningKey;

/** A hospital's upload-signing public keys. */
@Path("/api/v1/signing-keys")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("hospital")
public class SigningKeyResource {

    /** Body of a key registration. */
    public record Registration(@NotBlank @Size(max = 1024) String publicKey) {}

    @Inject
    CallerResolver callers;

    @Inject
    SigningKeyService keys;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register an Ed25519 or SM2 public key (base64 SubjectPublicKeyInfo) for your organisation")
    public SigningKey register(@Valid @NotNull Registration registration) {
        return keys.register(callers.current(), registration.publicKey());
    }

    @GET
    @Operation(summary = "Your organisation's signing keys")
    public List<SigningKey> list() {
        return keys.list(callers.current());
    }

    @DELETE
    @Path("/{keyId}")
    @Operation(summary = "Revoke one of your organisation's signing keys")
    public SigningKey revoke(@PathParam("keyId") String keyId) {
        return keys.revoke(callers.current(), keyId);
    }
}
