/**
 * The command line's HTTP layer: {@link org.medshare.client.http.ServiceClient} (bearer token, HTTP/1.1,
 * RFC 9457 problem+json turned into a one-line {@link org.medshare.client.http.ServiceException}),
 * {@link org.medshare.client.http.Multipart} (RFC 7578 bodies) and the strict JSON mapper.
 *
 * <p>Exit codes of the commands built on it: 0 success; 1 when a check fails or the service,
 * the identity provider or the network refuses (the one-line reason is the problem's {@code title: detail}
 * and the HTTP status); 2 on a usage error (bad flags, unreadable input files, not logged in).
 */
package org.medshare.client.http;
