// The console's ID-token nonce check (service/.../console/js/auth.js): a login completes only when the ID token
// carries the nonce this tab sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idTokenNonce } from '../service/src/main/resources/META-INF/resources/console/js/auth.js';

function token(payload) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(payload)}.c2lnbmF0dXJl`;
}

test('the nonce claim of a well-formed ID token is read', () => {
  assert.equal(idTokenNonce(token({ sub: 'u', nonce: 'n-0_Ab' })), 'n-0_Ab');
  assert.equal(idTokenNonce(token({ sub: 'u', nonce: 'x'.repeat(33) })), 'x'.repeat(33), 'payloads needing padding');
});

test('no nonce, a non-string nonce, a missing or malformed token give null', () => {
  assert.equal(idTokenNonce(token({ sub: 'u' })), null);
  assert.equal(idTokenNonce(token({ sub: 'u', nonce: 7 })), null);
  assert.equal(idTokenNonce(undefined), null);
  assert.equal(idTokenNonce('a.b'), null);
  assert.equal(idTokenNonce('a.%%%.c'), null);
});
