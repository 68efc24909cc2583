package org.medshare.client.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A successful (2xx) answer: its status, media type and body bytes.
 *
 * @param status      HTTP status, 200..299
 * @param contentType the Content-Type header, or "" when absent
 * @param body        the body bytes (not copied: callers must not modify them)
 */
public record HttpResult(int status, String contentType, byte[] body) {

    /** The body parsed as JSON. */
    public JsonNode json() throws ServiceException {
        try {
            return Json.parse(body);
        } catch (IOException e) {
            throw new ServiceException(status, null, "the server answered " + status + " with a body that is not JSON");
        }
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
