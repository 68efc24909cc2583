package org.medshare.service.enclave.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Base64;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.host.KeyAuthorityClient;
import org.medshare.service.enclave.ClinicianKeys;
import org.medshare.service.enclave.EnclaveGateway;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The key authority's public ABE parameters, which hospitals encrypt under. The plain form is for tools that
 * already trust the host; clients that encrypt records use the attested form and check it against the
 * authority's trust anchor ({@code data/enclave/authority.trust}), so the host cannot substitute parameters.
 */
@Path("/api/v1/authority")
@SecurityRequirement(name = "SecurityScheme")
public class AuthorityResource {

    @Inject
    EnclaveGateway enclaves;

    @Inject
    ClinicianKeys keys;

    @Inject
    CallerResolver callers;

    @GET
    @Path("/parameters")
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The ABE public parameters (versioned binary), from the key-authority enclave")
    public byte[] parameters() {
        return enclaves.publicParametersBytes();
    }

    /**
     * The authority's answer to a client's challenge (base64 fields).
     *
     * @param parameters the public parameters (versioned binary)
     * @param signature  Ed25519 signature by the attested enclave key over the domain label and the parameters
     * @param evidence   the authority's quote for the client's nonce and the public keys it binds
     * @param mode       attestation mode of the quote; {@code SIMULATED} in this deployment
     */
    public record AttestedParametersView(String parameters, String signature, String evidence, String mode) {}

    @GET
    @Path("/parameters/attested")
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The ABE public parameters signed by the key-authority enclave, with its quote for your nonce")
    public AttestedParametersView attestedParameters(@QueryParam("nonce") String nonce) {
        byte[] challenge = nonce(nonce);
        KeyAuthorityClient.AttestedParameters answer = enclaves.attestedParameters(challenge);
        Base64.Encoder b64 = Base64.getEncoder();
        return new AttestedParametersView(
                b64.encodeToString(answer.parameters()),
                b64.encodeToString(answer.signature()),
                b64.encodeToString(answer.evidence()),
                "SIMULATED");
    }

    /**
     * A clinician's key request.
     *
     * @param recipientKey base64 X25519 SubjectPublicKeyInfo the key is wrapped to
     * @param nonce        32 random bytes, base64url, for the authority's quote
     * @param grant        base64 key grant for this clinician, attributes and recipient key, signed by the
     *                     clinician's hospital with its grant key
     */
    public record KeyRequest(String recipientKey, String nonce, String grant) {}

    @GET
    @Path("/keys/entitlement")
    @RolesAllowed("hospital")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary =
                    "What your hospital may grant you a key for: organisation, grant subject and your token's attributes in the current epoch")
    public ClinicianKeys.Entitlement entitlement() {
        return keys.entitlement(callers.current());
    }

    @POST
    @Path("/keys")
    @RolesAllowed("hospital")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Issue an ABE user key on your hospital's signed grant, wrapped to your X25519 key (KEY_ISSUED)")
    public ClinicianKeys.IssuedKeyView issueKey(KeyRequest request) {
        if (request == null || request.recipientKey() == null) {
            throw RequestRefusedException.invalid(
                    "invalid-key-request",
                    "Invalid key request",
                    "recipientKey (base64 X25519 SubjectPublicKeyInfo), nonce and grant are required.");
        }
        return keys.issue(
                callers.current(), base64(request.recipientKey()), nonce(request.nonce()), base64(request.grant()));
    }

    /** {@code text} decoded from base64, or null when absent or not base64 (the caller's checks refuse null). */
    private static byte[] base64(String text) {
        try {
            return text == null ? null : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A client challenge: 32 bytes, base64url without padding (or standard base64). */
    static byte[] nonce(String text) {
        byte[] bytes = null;
        if (text != null && text.length() <= 64) {
            try {
                bytes = Base64.getUrlDecoder().decode(text.replace('+', '-').replace('/', '_'));
            } catch (IllegalArgumentException e) {
                bytes = null;
            }
        }
        if (bytes == null || bytes.length != NonceRegistry.NONCE_BYTES) {
            throw RequestRefusedException.invalid(
                    "invalid-nonce",
                    "Invalid nonce",
                    "nonce must be " + NonceRegistry.NONCE_BYTES + " random bytes, base64url-encoded.");
        }
        return bytes;
    }
}
