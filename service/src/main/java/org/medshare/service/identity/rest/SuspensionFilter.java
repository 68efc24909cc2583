package org.medshare.service.identity.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.identity.service.Suspensions;
import org.medshare.service.records.service.RecordRelease;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Enforces the black list on every request of a suspended organisation's tokens: 403 problem+json
 * {@code organisation-suspended} on every write (any method but GET, HEAD and OPTIONS) and on record release
 * (a record's ciphertext), before the resource runs, so nothing is written, appended or released. A refused release
 * counts in {@link RecordRelease#REFUSED} like the release checks' own refusals.
 */
public class SuspensionFilter {

    private static final Set<String> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final CallerResolver callers;
    private final Suspensions suspensions;
    private final RecordRelease release;

    @Inject
    SuspensionFilter(CallerResolver callers, Suspensions suspensions, RecordRelease release) {
        this.callers = callers;
        this.suspensions = suspensions;
        this.release = release;
    }

    @ServerRequestFilter
    public void refuseSuspended(ContainerRequestContext request) {
        boolean release = request.getUriInfo().getPath().endsWith("/ciphertext");
        if (READS.contains(request.getMethod()) && !release) {
            return;
        }
        String organisation = callers.organisationOrNull();
        if (organisation != null && suspensions.isSuspended(organisation)) {
            if (release) {
                this.release.countRefusal("organisation-suspended");
            }
            throw RequestRefusedException.forbidden(
                    "organisation-suspended",
                    "Organisation " + organisation + " is suspended by the regulator: it may read, but not write or"
                            + " receive records, until it is reinstated.");
        }
    }
}
