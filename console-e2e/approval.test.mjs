// The regulator's approval as the console signs it (service/.../console/js/approval.js): the same bytes as the Java
// QueryApproval v2 for a fixed key and input, and no signature over terms the browser cannot check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  approvalBody, approvalBytes, checkTerms, contentHash, contentHashInput, fromHex, importApprovalKey, signApproval,
  signedMessage, spkiOf, toHex, TermsRefused,
} from '../service/src/main/resources/META-INF/resources/console/js/approval.js';

// Known answer, made once with the Java code: a throwaway program on the classpath of enclave-sim and abe-crypto
// built Ed25519 key pair from the seed below (KeyPairGenerator "Ed25519" initialised with a SecureRandom answering
// the seed), then printed Hex.of of ApprovedQuery.contentHash(TEMPLATE, REQUEST) and of
// QueryApproval.sign("qry-0001", that hash, {ATTRIBUTES}, Instant.ofEpochMilli(NOT_AFTER), key pair).toBytes(),
// and checked that QueryApproval.parse(...).verify(...) accepts it. The seed and public key are RFC 8032 §7.1 TEST 1.
const SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const PKCS8 = `302e020100300506032b657004220420${SEED}`;
const SPKI = '302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const KEY_ID = '06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9';
const QUERY_ID = 'qry-0001';
const TEMPLATE = '{"id":"count-by-sex","version":1,"purpose":"insurance-stats","note":"Gesamtzahl \u00e9\u00e8 \u2014 \u03b5"}';
const REQUEST = '{"template":"count-by-sex","epsilon":0.5}';
const ATTRIBUTES = ['purpose:insurance-stats@2026Q4', 'purpose:insurance-stats@2026Q3'];
const NOT_AFTER = 1798761600000;
const CONTENT_HASH = 'ae92830ec74da96322f152aa7cf57fdbeea8537a56be372b8a349c8c85a4b53f';
const APPROVAL = '02000000087172792d30303031ae92830ec74da96322f152aa7cf57fdbeea8537a56be372b8a349c8c85a4b53f0000000200'
  + '00001e707572706f73653a696e737572616e63652d7374617473403230323651330000001e707572706f73653a696e737572616e63652d'
  + '737461747340323032365134000001a2ce8bd4000000002c302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172'
  + 'f3daa62325af021a68f707511a00000040656017419f6d723ea6e46e38ac048ea2e359042a3182f9009f24db5a1e3c03a22cc5d9467fcd'
  + 'a849d6dcf84872471167d465297d87944a03345dc0a058a9260e';

const terms = (changes = {}) => ({
  queryId: QUERY_ID, template: TEMPLATE, request: REQUEST, contentHash: CONTENT_HASH, purposeAttributes: ATTRIBUTES,
  ...changes,
});

async function termsFor(template, request, changes = {}) {
  return terms({ template, request, contentHash: toHex(await contentHash(template, request)), ...changes });
}

test('the content hash input is the Java WireWriter encoding: length-prefixed UTF-8 of the domain, template, request', () => {
  assert.equal(toHex(contentHashInput('é', '')),
    `00000019${Buffer.from('medshare.query-content.v1').toString('hex')}00000002c3a900000000`);
});

test('an approval signed in the browser has exactly the bytes the Java QueryApproval.sign makes', async () => {
  assert.equal(toHex(await contentHash(TEMPLATE, REQUEST)), CONTENT_HASH);
  const key = await importApprovalKey(fromHex(PKCS8));
  assert.equal(toHex(key.spki), SPKI);
  assert.equal(key.keyId, KEY_ID);
  assert.equal(key.privateKey.extractable, false, 'only a non-extractable key is kept');
  assert.deepEqual(key.privateKey.usages, ['sign']);
  const signed = await signApproval(QUERY_ID, terms(), key, NOT_AFTER);
  assert.equal(Buffer.from(signed.approval, 'base64').toString('hex'), APPROVAL);
  assert.deepEqual(signed.terms.purposeAttributes, [...ATTRIBUTES].sort());
  assert.equal(signed.terms.templateId, 'count-by-sex');
  assert.equal(signed.terms.templateVersion, 1);
});

test('the pieces compose to the Java encoding: body, signed message, body ‖ bytes(signature)', async () => {
  const body = approvalBody({
    queryId: QUERY_ID, contentHash: fromHex(CONTENT_HASH), purposeAttributes: ATTRIBUTES, notAfter: NOT_AFTER,
    approverSpki: fromHex(SPKI),
  });
  const expected = fromHex(APPROVAL);
  assert.equal(toHex(body), toHex(expected.slice(0, body.length)));
  assert.equal(toHex(expected.slice(body.length, body.length + 4)), '00000040');
  const signature = expected.slice(body.length + 4);
  const message = signedMessage(body);
  assert.equal(toHex(message), `0000001a${Buffer.from('medshare.query-approval.v2').toString('hex')}${toHex(body)}`);
  const publicKey = await crypto.subtle.importKey('spki', fromHex(SPKI), { name: 'Ed25519' }, false, ['verify']);
  assert.ok(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, message));
  assert.equal(toHex(approvalBytes(body, signature)), APPROVAL);
});

test('attributes are written distinct and ascending, as the Java sorted set writes them', () => {
  const fields = { queryId: QUERY_ID, contentHash: fromHex(CONTENT_HASH), notAfter: NOT_AFTER, approverSpki: fromHex(SPKI) };
  const sorted = approvalBody({ ...fields, purposeAttributes: [...ATTRIBUTES].sort() });
  assert.deepEqual(approvalBody({ ...fields, purposeAttributes: [...ATTRIBUTES, ATTRIBUTES[0]] }), sorted);
});

test('malformed approval fields are refused before anything is signed', () => {
  const fields = {
    queryId: QUERY_ID, contentHash: fromHex(CONTENT_HASH), purposeAttributes: ATTRIBUTES, notAfter: NOT_AFTER,
    approverSpki: fromHex(SPKI),
  };
  const cases = {
    'query-id-empty': { queryId: '' },
    'query-id-slash': { queryId: 'a/b' },
    'query-id-129-chars': { queryId: 'q'.repeat(129) },
    'content-hash-31-bytes': { contentHash: fromHex(CONTENT_HASH).slice(1) },
    'no-attribute': { purposeAttributes: [] },
    '65-attributes': { purposeAttributes: Array.from({ length: 65 }, (_, i) => `purpose:p@${2000 + i}Q1`) },
    'not-after-fraction': { notAfter: 1.5 },
    'spki-raw-key': { approverSpki: fromHex(SPKI).slice(12) },
    'spki-other-algorithm-bit-0': { approverSpki: fromHex(SPKI).map((b, i) => (i === 8 ? b ^ 1 : b)) },
  };
  const accepted = Object.entries(cases).filter(([, change]) => {
    try {
      approvalBody({ ...fields, ...change });
      return true;
    } catch (e) {
      return false;
    }
  }).map(([id]) => id);
  assert.deepEqual(accepted, [], 'every malformed field is refused');
  assert.throws(() => approvalBytes(new Uint8Array(1), new Uint8Array(63)), /64 bytes/);
  assert.throws(() => spkiOf(new Uint8Array(31)), /32 bytes/);
});

test('terms the browser cannot check are refused and nothing is signed', async () => {
  const key = await importApprovalKey(fromHex(PKCS8));
  const otherPurpose = TEMPLATE.replace('insurance-stats', 'marketing');
  const cases = {
    'other-query-id': terms({ queryId: 'qry-0002' }),
    'template-altered': terms({ template: TEMPLATE.replace('"version":1', '"version":2') }),
    'request-altered': terms({ request: REQUEST.replace('0.5', '5') }),
    'content-hash-bit-0': terms({ contentHash: `${(parseInt(CONTENT_HASH[0], 16) ^ 1).toString(16)}${CONTENT_HASH.slice(1)}` }),
    'content-hash-upper-case': terms({ contentHash: CONTENT_HASH.toUpperCase() }),
    'content-hash-missing': terms({ contentHash: undefined }),
    'template-missing': terms({ template: undefined }),
    'attributes-missing': terms({ purposeAttributes: undefined }),
    'attributes-empty': terms({ purposeAttributes: [] }),
    'attribute-other-purpose': terms({ purposeAttributes: [...ATTRIBUTES, 'purpose:marketing@2026Q4'] }),
    'attribute-purpose-prefix': terms({ purposeAttributes: ['purpose:insurance-stats-x@2026Q4'] }),
    'attribute-quarter-5': terms({ purposeAttributes: ['purpose:insurance-stats@2026Q5'] }),
    'attribute-no-epoch': terms({ purposeAttributes: ['purpose:insurance-stats'] }),
    'attribute-other-kind': terms({ purposeAttributes: ['org:hospital-a'] }),
    'template-other-purpose': await termsFor(otherPurpose, REQUEST),
    'template-no-purpose': await termsFor('{"id":"count-by-sex","version":1}', REQUEST),
    'template-not-json': await termsFor('count-by-sex v1', REQUEST),
  };
  const signed = [];
  for (const [id, t] of Object.entries(cases)) {
    try {
      await signApproval(QUERY_ID, t, key, NOT_AFTER);
      signed.push(id);
    } catch (e) {
      if (!(e instanceof TermsRefused)) signed.push(`${id}: ${e}`);
    }
  }
  assert.deepEqual(signed, [], 'every case is refused as terms that cannot be signed');
  assert.ok((await checkTerms(QUERY_ID, terms())).contentHash.length === 32, 'the unchanged terms are accepted');
});

test('only an Ed25519 PKCS#8 key file of 48 bytes is imported', async () => {
  const imported = [];
  const cases = {
    'spki-instead': fromHex(SPKI),
    'raw-seed': fromHex(SEED),
    'truncated': fromHex(PKCS8).slice(0, 47),
    'trailing-byte': fromHex(`${PKCS8}00`),
    'prefix-bit-9': fromHex(PKCS8).map((b, i) => (i === 9 ? b ^ 2 : b)),
  };
  for (const [id, bytes] of Object.entries(cases)) {
    await importApprovalKey(bytes).then(() => imported.push(id), (e) => assert.match(e.message, /PKCS#8/));
  }
  assert.deepEqual(imported, [], 'no malformed key file is imported');
  const file = fromHex(PKCS8);
  await importApprovalKey(file);
  assert.equal(toHex(file), PKCS8, 'the caller\'s bytes are left as they were');
});
