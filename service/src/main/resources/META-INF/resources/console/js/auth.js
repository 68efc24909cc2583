// OpenID Connect authorization code flow with PKCE (RFC 7636, S256) against the realm the service trusts.
// The access token lives in sessionStorage only (gone when the tab closes) and is never logged.

const KEY = { verifier: 'medshare.pkce.verifier', state: 'medshare.pkce.state', nonce: 'medshare.pkce.nonce',
  route: 'medshare.pkce.route', token: 'medshare.token', idToken: 'medshare.idToken', expires: 'medshare.expires',
  refresh: 'medshare.refresh' };

let discovery = null;
let settings = null;

function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(byteCount) {
  return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** The S256 code challenge: base64url(SHA-256(ASCII(verifier))). */
export async function codeChallenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUri() {
  return `${location.origin}/console/`;
}

async function load() {
  if (discovery) return;
  const res = await fetch('/console/config', { cache: 'no-store' });
  if (!res.ok) throw new Error('The service did not say where to log in (GET /console/config answered ' + res.status + ').');
  settings = await res.json();
  let wk;
  try {
    wk = await fetch(`${settings.issuer}/.well-known/openid-configuration`, { cache: 'no-store' });
  } catch (e) {
    throw new Error(`The identity provider at ${settings.issuer} cannot be reached. Is Keycloak running?`);
  }
  if (!wk.ok) throw new Error(`The identity provider at ${settings.issuer} answered ${wk.status}.`);
  discovery = await wk.json();
}

/** Sends the browser to the identity provider's login page; comes back to /console/ with a code. */
export async function login(route) {
  await load();
  const verifier = randomString(48);
  const state = randomString(24);
  const nonce = randomString(24);
  sessionStorage.setItem(KEY.verifier, verifier);
  sessionStorage.setItem(KEY.state, state);
  sessionStorage.setItem(KEY.nonce, nonce);
  sessionStorage.setItem(KEY.route, route || '');
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: settings.clientId, redirect_uri: redirectUri(), scope: 'openid',
    state, nonce, code_challenge: await codeChallenge(verifier), code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

function clearPkce() {
  for (const k of [KEY.verifier, KEY.state, KEY.nonce]) sessionStorage.removeItem(k);
}

/**
 * Completes a login if the URL carries the identity provider's answer. Returns the route to show, or null
 * when there was nothing to complete. Throws with a readable message when the answer is refused.
 */
export async function completeLogin() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const expected = sessionStorage.getItem(KEY.state);
  const verifier = sessionStorage.getItem(KEY.verifier);
  const nonce = sessionStorage.getItem(KEY.nonce);
  const route = sessionStorage.getItem(KEY.route) || '';
  history.replaceState(null, '', '/console/' + route);
  if (params.has('error')) {
    clearPkce();
    throw new Error('The login was not completed: ' + (params.get('error_description') || params.get('error')) + '.');
  }
  if (!expected || params.get('state') !== expected || !verifier) {
    clearPkce();
    throw new Error('The login answer does not belong to this browser tab (state mismatch). Please log in again.');
  }
  await load();
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
      client_id: settings.clientId, code_verifier: verifier }),
  });
  clearPkce();
  if (!res.ok) throw new Error('The identity provider refused to issue a token (' + res.status + '). Please log in again.');
  const tokens = await res.json();
  if (!nonce || idTokenNonce(tokens.id_token) !== nonce) {
    throw new Error('The identity provider\'s answer does not carry this login\'s nonce (a replayed or injected'
      + ' token); nothing was kept. Please log in again.');
  }
  keep(tokens);
  return route;
}

/** The nonce claim of an ID token (its payload, base64url JSON), or null when there is none to read. */
export function idTokenNonce(idToken) {
  const parts = typeof idToken === 'string' ? idToken.split('.') : [];
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '='));
    const nonce = JSON.parse(json).nonce;
    return typeof nonce === 'string' ? nonce : null;
  } catch (e) {
    return null;
  }
}

function keep(tokens) {
  sessionStorage.setItem(KEY.token, tokens.access_token);
  if (tokens.id_token) sessionStorage.setItem(KEY.idToken, tokens.id_token);
  if (tokens.refresh_token) sessionStorage.setItem(KEY.refresh, tokens.refresh_token);
  sessionStorage.setItem(KEY.expires, String(Date.now() + (tokens.expires_in || 300) * 1000));
}

/**
 * A valid access token: the one held, or a new one from the refresh token when it has expired. Null when the
 * session cannot be continued (the user must sign in again).
 */
export async function freshToken() {
  const held = token();
  if (held) return held;
  const refresh = sessionStorage.getItem(KEY.refresh);
  if (!refresh) return null;
  try {
    await load();
    const res = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: settings.clientId }),
    });
    if (!res.ok) {
      forget();
      return null;
    }
    keep(await res.json());
    return token();
  } catch (e) {
    return null;
  }
}

/** The access token if one is held and not expired, else null. */
export function token() {
  const t = sessionStorage.getItem(KEY.token);
  const exp = Number(sessionStorage.getItem(KEY.expires) || 0);
  if (!t || Date.now() > exp - 5000) return null;
  return t;
}

export function forget() {
  for (const k of Object.values(KEY)) sessionStorage.removeItem(k);
}

/** Ends the session here and at the identity provider, then comes back to the console. */
export async function logout() {
  const idToken = sessionStorage.getItem(KEY.idToken);
  forget();
  try {
    await load();
  } catch (e) {
    location.assign('/console/');
    return;
  }
  const url = new URL(discovery.end_session_endpoint);
  const q = { client_id: settings.clientId, post_logout_redirect_uri: redirectUri() };
  if (idToken) q.id_token_hint = idToken;
  url.search = new URLSearchParams(q).toString();
  location.assign(url.toString());
}
