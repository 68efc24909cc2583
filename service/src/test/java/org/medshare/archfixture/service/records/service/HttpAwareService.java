package org.medshare.archfixture.service.records.service;

import jakarta.ws.rs.core.Response;
import org.medshare.archfixture.service.rest.DecryptingResource;

/**
 * Breaks "services never call the REST layer" (it calls a resource) and "no jakarta.ws.rs outside the REST layer"
 * (it answers with a JAX-RS status).
 */
public class HttpAwareService {
    public Response.Status refuse() {
        new DecryptingResource().cipher();
        return Response.Status.BAD_REQUEST;
    }
}
