package org.medshare.client.http;

/**
 * One request (or a few) to the service or the identity provider, as a value that a command runs and whose
 * refusal it turns into its one-line failure.
 *
 * @param <T> what the call answers
 */
@FunctionalInterface
public interface ServiceCall<T> {
    /**
     * Makes the call.
     *
     * @throws ServiceException if the service refused it, answered something unreadable or could not be reached
     */
    T run() throws ServiceException;
}
