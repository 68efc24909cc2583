package org.medshare.client.login;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceException;

/**
 * Tokens from an OAuth 2.0 token endpoint (RFC 6749 §5.1). {@code toString} never shows a token.
 *
 * @param accessToken      the bearer access token
 * @param accessExpiresAt  when it expires
 * @param refreshToken     the refresh token, or null (client credentials grants usually have none)
 * @param refreshExpiresAt when the refresh token expires, or null when unknown or absent
 */
public record TokenGrant(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt) {

    /** Reads an RFC 6749 §5.1 success answer, relative to {@code now}. */
    static TokenGrant fromResponse(JsonNode json, Instant now) throws ServiceException {
        String access = Json.text(json, "access_token");
        String type = Json.text(json, "token_type");
        if (access == null || access.isEmpty() || (type != null && !type.equalsIgnoreCase("bearer"))) {
            throw new ServiceException(200, null, "the identity provider answered without a bearer access token");
        }
        long expiresIn = json.path("expires_in").asLong(60);
        String refresh = Json.text(json, "refresh_token");
        long refreshIn = json.path("refresh_expires_in").asLong(0);
        return new TokenGrant(
                access,
                now.plusSeconds(expiresIn),
                refresh,
                refresh == null || refreshIn <= 0 ? null : now.plusSeconds(refreshIn));
    }

    @Override
    public String toString() {
        return "TokenGrant[expires " + accessExpiresAt + ", refresh " + (refreshToken != null) + "]";
    }
}
