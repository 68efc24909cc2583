package org.medshare.service.queries.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.queries.service.PrivacyBudgets;
import org.medshare.service.queries.service.PrivacyBudgets.BudgetView;

/** The differential-privacy budgets: who spent how much ε of whose budget, with the ledger entries that show it. */
@Path("/api/v1/budgets")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
public class BudgetResource {

    /** Body: the hospital's own ε limit per period. */
    public record Limit(@NotNull Double limit) {}

    /** Body: the share of the limit, in percent (1 to 100), at which the hospital's budget is nearly exhausted. */
    public record Warning(@NotNull Integer warnAtPercent) {}

    @Inject
    CallerResolver callers;

    @Inject
    PrivacyBudgets budgets;

    @GET
    @RolesAllowed({"insurer", "hospital", "regulator"})
    @Operation(
            summary = "Privacy budgets you may see: an insurer its own, a hospital its dataset's per period, the"
                    + " regulator all; spent, remaining, limit, period end and the queries that spent them")
    public List<BudgetView> budgets() {
        return budgets.visibleTo(callers.current());
    }

    @PUT
    @Path("/own-limit")
    @RolesAllowed("hospital")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Set your dataset's ε limit per period, in force from the next period not yet charged (a"
                    + " period's limit is fixed at its first charge)")
    public BudgetView setOwnLimit(@Valid @NotNull Limit limit) {
        return budgets.setOwnLimit(callers.current(), limit.limit());
    }

    @PUT
    @Path("/warning")
    @RolesAllowed("hospital")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Set the share of your dataset's budget, in percent, at which it is shown as nearly exhausted"
                    + " (default 80)")
    public BudgetView setWarning(@Valid @NotNull Warning warning) {
        return budgets.setWarning(callers.current(), warning.warnAtPercent());
    }
}
