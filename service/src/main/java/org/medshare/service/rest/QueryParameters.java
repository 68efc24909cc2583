package org.medshare.service.rest;

import jakarta.ws.rs.core.UriInfo;

/** Query parameters as the request gave them. */
public final class QueryParameters {

    private QueryParameters() {}

    /**
     * A query parameter's value as the request gave it: {@code value} (what the framework bound, null when absent or
     * left empty), or the empty string when the request named the parameter with an empty value, so that
     * {@code ?purpose=} is refused as an invalid value instead of being read as absent.
     */
    public static String given(UriInfo uri, String name, String value) {
        if (value != null && !value.isEmpty()) {
            return value;
        }
        return uri.getQueryParameters().containsKey(name) ? "" : value;
    }
}
