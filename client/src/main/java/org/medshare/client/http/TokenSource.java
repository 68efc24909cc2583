package org.medshare.client.http;

/** Gives the bearer access token for the next request, refreshing it when it is about to expire. */
@FunctionalInterface
public interface TokenSource {
    /**
     * @return a current access token (never printed or logged by callers)
     * @throws ServiceException if no valid token can be had (expired session, refresh refused)
     */
    String accessToken() throws ServiceException;
}
