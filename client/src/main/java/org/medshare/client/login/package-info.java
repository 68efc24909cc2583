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
 *
 * <p>Every command that talks to the service extends {@link org.medshare.client.login.ServiceCommand}: it takes
 * the {@link org.medshare.client.login.SessionOptions} ({@code --server}, {@code --config}, {@code --token-file},
 * {@code --timeout}) and sends its requests through {@code ask} or {@code printJson}, so that a refusal by the
 * service, the identity provider or the network is always one line on stderr and exit 1
 * ({@link org.medshare.client.login.SessionOptions#answer}). {@code --config} is one mixin,
 * {@link org.medshare.client.login.ConfigOption}, wherever a command takes it.
 */
package org.medshare.client.login;
