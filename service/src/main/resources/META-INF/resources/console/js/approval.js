// A regulator's query approval, made and signed in its own browser with its own Ed25519 key (RFC 8032 through
// WebCrypto): the checks of the approval terms the service sends, the content hash of the template and request the
// regulator read, and the QueryApproval v2 encoding the key authority verifies
// (enclave-sim: keyrelease/QueryApproval.java, compute/ApprovedQuery.contentHash, WireWriter conventions).
// No DOM and no storage here: the approvals page and node's tests call the same functions.

export const CONTENT_DOMAIN = 'medshare.query-content.v1';
export const APPROVAL_DOMAIN = 'medshare.query-approval.v2';
const APPROVAL_VERSION = 2;
const SIGNATURE_BYTES = 64;
const MAX_ATTRIBUTES = 64;
const QUERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** RFC 8410 PrivateKeyInfo prefix of an Ed25519 seed, as `medshare party keygen` writes it (48 bytes in all). */
const PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
/** RFC 8410 SubjectPublicKeyInfo prefix of an Ed25519 public key (44 bytes in all). */
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);
const ED25519 = { name: 'Ed25519' };

/** The big-endian writer of the enclave's encodings: variable-length fields carry a 32-bit length first. */
class WireWriter {
  constructor() { this.parts = []; }

  u8(v) {
    this.parts.push(Uint8Array.of(v));
    return this;
  }

  i32(v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v);
    this.parts.push(b);
    return this;
  }

  i64(v) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(v));
    this.parts.push(b);
    return this;
  }

  fixed(b) {
    this.parts.push(Uint8Array.from(b));
    return this;
  }

  bytes(b) {
    return this.i32(b.length).fixed(b);
  }

  utf8(s) {
    return this.bytes(new TextEncoder().encode(s));
  }

  toBytes() {
    return concat(...this.parts);
  }
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

function startsWith(bytes, prefix) {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex) {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new Error('not lower-case hex');
  return Uint8Array.from(hex.match(/../g) || [], (p) => parseInt(p, 16));
}

export function toBase64(bytes) {
  return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
}

function fromBase64Url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** What the content hash covers: utf8 "medshare.query-content.v1" ‖ utf8 template ‖ utf8 request, each length-prefixed. */
export function contentHashInput(template, request) {
  return new WireWriter().utf8(CONTENT_DOMAIN).utf8(template).utf8(request).toBytes();
}

/** SHA-256 of {@link contentHashInput}: the 32 bytes an approval binds the template and request texts with. */
export function contentHash(template, request) {
  return sha256(contentHashInput(template, request));
}

/** The distinct attributes in ascending order, the order the Java side's sorted set writes them in. */
export function sortedAttributes(attributes) {
  return [...new Set(attributes)].sort();
}

/**
 * The approval body: u8 2, utf8 queryId, 32 contentHash, i32 n + n × utf8 attribute (ascending), i64 notAfter
 * (Unix ms), bytes approver SPKI. Requires a query id of 1-128 of [A-Za-z0-9._:-], a 32-byte hash, 1 to 64
 * attributes, a safe-integer notAfter and a 44-byte Ed25519 SubjectPublicKeyInfo; throws otherwise.
 */
export function approvalBody({ queryId, contentHash: hash, purposeAttributes, notAfter, approverSpki }) {
  if (typeof queryId !== 'string' || !QUERY_ID.test(queryId)) throw new Error('a query id is 1-128 of [A-Za-z0-9._:-]');
  if (!hash || hash.length !== 32) throw new Error('a content hash is 32 bytes');
  const attributes = sortedAttributes(purposeAttributes || []);
  if (attributes.length < 1 || attributes.length > MAX_ATTRIBUTES) throw new Error('an approval names 1 to 64 purpose attributes');
  if (!Number.isSafeInteger(notAfter)) throw new Error('notAfter is a whole number of Unix milliseconds');
  if (!approverSpki || approverSpki.length !== SPKI_PREFIX.length + 32 || !startsWith(approverSpki, SPKI_PREFIX)) {
    throw new Error('the approver key is not an Ed25519 SubjectPublicKeyInfo');
  }
  const w = new WireWriter().u8(APPROVAL_VERSION).utf8(queryId).fixed(hash).i32(attributes.length);
  for (const a of attributes) w.utf8(a);
  return w.i64(notAfter).bytes(approverSpki).toBytes();
}

/** What the approver signs: utf8 "medshare.query-approval.v2" ‖ body. */
export function signedMessage(body) {
  return new WireWriter().utf8(APPROVAL_DOMAIN).fixed(body).toBytes();
}

/** The approval as the service takes it: body ‖ bytes(signature). Requires a 64-byte Ed25519 signature. */
export function approvalBytes(body, signature) {
  if (signature.length !== SIGNATURE_BYTES) throw new Error('an Ed25519 signature is 64 bytes');
  return new WireWriter().fixed(body).bytes(signature).toBytes();
}

/** The Ed25519 SubjectPublicKeyInfo of a raw 32-byte public key. */
export function spkiOf(rawPublicKey) {
  if (rawPublicKey.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
  return concat(SPKI_PREFIX, rawPublicKey);
}

/** The approver key id the party keys file and the key authority use: hex SHA-256 of the SPKI. */
export async function keyIdOf(spki) {
  return toHex(await sha256(spki));
}

/**
 * Reads an approval key file (PKCS#8 DER of an Ed25519 seed, as `medshare party keygen` writes it) into a signing
 * key that cannot be exported again: the file is imported once as extractable only to read its public half (JWK
 * "x"), then imported again as non-extractable, and only that key is returned, with its SPKI and key id.
 */
export async function importApprovalKey(pkcs8) {
  const der = Uint8Array.from(pkcs8);
  if (der.length !== PKCS8_PREFIX.length + 32 || !startsWith(der, PKCS8_PREFIX)) {
    throw new Error('this is not an Ed25519 PKCS#8 key (medshare party keygen --role approve-queries writes one)');
  }
  const readable = await crypto.subtle.importKey('pkcs8', der, ED25519, true, ['sign']);
  const spki = spkiOf(fromBase64Url((await crypto.subtle.exportKey('jwk', readable)).x));
  const privateKey = await crypto.subtle.importKey('pkcs8', der, ED25519, false, ['sign']);
  der.fill(0);
  return { privateKey, spki, keyId: await keyIdOf(spki) };
}

/** Refusal to sign: the terms are not what the regulator is shown, so nothing is signed or sent. */
export class TermsRefused extends Error {}

function templateOf(text) {
  let template;
  try {
    template = JSON.parse(text);
  } catch (e) {
    throw new TermsRefused('the query\'s template is not JSON');
  }
  if (!template || typeof template.purpose !== 'string' || template.purpose === '') {
    throw new TermsRefused('the query\'s template names no purpose');
  }
  return template;
}

/** Whether {@code attribute} reads purpose:PURPOSE@YYYYQn for the template's purpose. */
export function isPurposeAttribute(attribute, purpose) {
  const prefix = `purpose:${purpose}@`;
  return typeof attribute === 'string' && attribute.startsWith(prefix) && /^[0-9]{4}Q[1-4]$/.test(attribute.slice(prefix.length));
}

/**
 * Checks the service's approval terms of {@code queryId} before anything is signed: they name this query, their
 * content hash is that of their own template and request texts (recomputed here), and every purpose attribute is
 * purpose:<the template's purpose>@YYYYQn. Answers what is to be signed; throws {@link TermsRefused} otherwise.
 */
export async function checkTerms(queryId, terms) {
  if (!terms || terms.queryId !== queryId || typeof terms.template !== 'string' || typeof terms.request !== 'string') {
    throw new TermsRefused(`the service's approval terms are not those of query ${queryId}`);
  }
  const hash = await contentHash(terms.template, terms.request);
  if (toHex(hash) !== terms.contentHash) {
    throw new TermsRefused('the service\'s content hash is not that of the template and request it sent');
  }
  const template = templateOf(terms.template);
  const attributes = sortedAttributes(Array.isArray(terms.purposeAttributes) ? terms.purposeAttributes : []);
  const beyond = attributes.filter((a) => !isPurposeAttribute(a, template.purpose));
  if (attributes.length === 0 || beyond.length > 0) {
    throw new TermsRefused(`the service asks to release keys for ${attributes.join(', ') || 'no attribute'}, `
      + `beyond the template's purpose ${template.purpose}`);
  }
  return {
    queryId,
    contentHash: hash,
    purposeAttributes: attributes,
    templateId: template.id,
    templateVersion: template.version,
    purpose: template.purpose,
  };
}

/**
 * Checks {@code terms} ({@link checkTerms}) and signs them with {@code key} (from {@link importApprovalKey}) until
 * {@code notAfter} (Unix ms). Answers the base64 approval for POST …/approve and the checked terms it signs.
 */
export async function signApproval(queryId, terms, key, notAfter) {
  const checked = await checkTerms(queryId, terms);
  const body = approvalBody({ ...checked, notAfter, approverSpki: key.spki });
  const signature = new Uint8Array(await crypto.subtle.sign(ED25519, key.privateKey, signedMessage(body)));
  return { approval: toBase64(approvalBytes(body, signature)), terms: checked };
}
