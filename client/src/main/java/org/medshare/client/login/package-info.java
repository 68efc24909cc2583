/**
 * {@code medshare login} and the session every other command uses.
 *
 * <pre>
 * medshare login [--server URL] [--issuer URL] --user NAME [--password-stdin] [--config DIR] [--token-file FILE]
 * medshare login [--server URL] [--issuer URL] --device [--config DIR]
 * medshare login [--server URL] [--issuer URL] --client-id ID --client-secret-file FILE [--config DIR]
 * </pre>
 * The issuer defaults to {@code http://127.0.0.1:18080/realms/medshare}; its token endpoint is discovered
 * (OpenID Connect Discovery 1.0). The session (tokens, issuer, client id, remembered server) is stored in
 * {@code DIR/session.json} (DIR = {@code --config}, else {@code $MEDSHARE_CONFIG}, else {@code ~/.medshare}),
 * mode 600 in a mode-700 directory; tokens are never printed. An access token expiring within 30 s is
 * refreshed (refresh token, or a new client-credentials grant from the secret file) and saved.
 */
package org.medshare.client.login;
