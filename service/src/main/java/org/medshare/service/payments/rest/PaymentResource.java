package org.medshare.service.payments.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigInteger;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.Caller;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.payments.service.PaymentService.Balance;
import org.medshare.service.payments.service.PaymentService.PayoutEntry;
import org.medshare.service.refusal.RequestRefusedException;

/** Escrow deposits (insurers) and contract balances (own; any organisation's for a regulator). */
@Path("/api/v1/payments")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
public class PaymentResource {

    /** Body of a deposit, in the contract's currency units. */
    public record Deposit(@NotNull BigInteger amount) {}

    @Inject
    CallerResolver callers;

    @Inject
    PaymentService payments;

    @POST
    @Path("/deposits")
    @RolesAllowed("insurer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deposit escrow for future queries")
    public Balance deposit(@Valid @NotNull Deposit deposit) {
        return payments.deposit(callers.current().organisation(), deposit.amount());
    }

    @GET
    @Path("/balances/me")
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Operation(summary = "Your organisation's escrow and earnings")
    public Balance mine() {
        return payments.balance(callers.current().organisation());
    }

    @GET
    @Path("/payouts")
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Operation(
            summary =
                    "Payments settled by the incentive contract, oldest first: your organisation's; every one for a regulator")
    public List<PayoutEntry> payouts() {
        Caller caller = callers.current();
        return payments.payouts(caller.roles().contains("regulator") ? null : caller.organisation());
    }

    @GET
    @Path("/balances/{organisation}")
    @RolesAllowed("regulator")
    @Operation(summary = "Any organisation's escrow and earnings")
    public Balance of(@PathParam("organisation") String organisation) {
        if (!organisation.matches("[A-Za-z0-9._-]{1,128}")) {
            throw RequestRefusedException.invalid(
                    "invalid-organisation", "Invalid organisation", "organisation must match [A-Za-z0-9._-]{1,128}.");
        }
        return payments.balance(organisation);
    }
}
