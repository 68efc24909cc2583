package org.medshare.service.problem;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * The HTTP layer's own refusals as problem+json: a request target longer than {@link #MAX_URI_LENGTH} characters
 * (414) and request headers larger than {@link #MAX_HEADER_BYTES} in total (431, RFC 6585 §5).
 *
 * <p>A chunked body (no {@code Content-Length}) that passes the limit while the REST framework reads it is refused
 * by the framework itself: it writes a bare 413 and closes the connection without failing the route, so no handler
 * can shape that answer. Bodies that declare their length are refused before reading by {@link BodyLimit}.
 *
 * <p>The HTTP server's decoder ({@code quarkus.http.limits.max-initial-line-length} and {@code max-header-size})
 * is configured well above these limits so that such requests reach this handler; a request beyond the decoder's
 * own limits is still refused by the server itself, with the same status and an empty body, since it never
 * becomes a request a handler can see.
 */
@ApplicationScoped
public class HttpLimits {

    /** The longest request target (path and query) this service reads, in characters. */
    public static final int MAX_URI_LENGTH = 8192;

    /** The largest total of request header names and values this service reads, in bytes. */
    public static final int MAX_HEADER_BYTES = 16384;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::checkRequestHead);
    }

    private void checkRequestHead(RoutingContext ctx) {
        if (ctx.request().uri().length() > MAX_URI_LENGTH) {
            refuse(
                    ctx,
                    414,
                    "uri-too-long",
                    "URI too long",
                    "The request target is longer than " + MAX_URI_LENGTH + " characters.");
        } else if (headerBytes(ctx.request().headers()) > MAX_HEADER_BYTES) {
            refuse(
                    ctx,
                    431,
                    "headers-too-large",
                    "Request headers too large",
                    "The request's headers exceed " + MAX_HEADER_BYTES + " bytes in total.");
        } else {
            ctx.next();
        }
    }

    private static long headerBytes(MultiMap headers) {
        long total = 0;
        for (Map.Entry<String, String> header : headers) {
            total += header.getKey().length() + header.getValue().length();
        }
        return total;
    }

    private static void refuse(RoutingContext ctx, int status, String kind, String title, String detail) {
        String problem = "{\"type\":\"" + Problem.TYPE_BASE + kind + "\",\"title\":\"" + title + "\",\"status\":"
                + status + ",\"detail\":\"" + detail + "\"}";
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(problem);
    }
}
