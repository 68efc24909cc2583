package org.medshare.service.console.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.medshare.service.config.MedshareConfig;

/**
 * Where the web console (static files under {@code /console/}) logs in: the identity provider's issuer URL
 * and the console's public OIDC client. Public by nature (a browser needs it before it has a token) and
 * carries nothing secret; not part of the API, so it is left out of the OpenAPI document.
 */
@Path("/console/config")
@PermitAll
public class ConsoleConfigResource {

    /** The console's login settings. */
    public record ConsoleConfig(String issuer, String clientId) {}

    private final ConsoleConfig config;

    ConsoleConfigResource(
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") String issuer, MedshareConfig medshare) {
        this.config = new ConsoleConfig(issuer, medshare.console().clientId());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response config() {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.ok(config).cacheControl(noStore).build();
    }
}
