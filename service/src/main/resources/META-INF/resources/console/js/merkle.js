// RFC 9162 Merkle tree verification in the browser (SHA-256 through WebCrypto), and C2SP checkpoint parsing.
// Pure functions: they trust nothing the service says beyond the bytes they are given.

const LEAF_PREFIX = 0x00;   // RFC 9162 §2.1.1: leaf hash = H(0x00 || entry)
const NODE_PREFIX = 0x01;   // RFC 9162 §2.1.1: node hash = H(0x01 || left || right)

export function fromBase64(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

async function sha256(...parts) {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(len);
  let off = 0;
  for (const p of parts) { buf.set(p, off); off += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

export function hashLeaf(entry) {
  return sha256(Uint8Array.of(LEAF_PREFIX), entry);
}

export function hashChildren(left, right) {
  return sha256(Uint8Array.of(NODE_PREFIX), left, right);
}

const odd = (x) => x % 2 === 1;
const half = (x) => Math.floor(x / 2);

/**
 * RFC 9162 §2.1.3.2: the root that an inclusion proof leads to. Requires 0 <= index < size.
 * Throws when the proof has the wrong length for the tree.
 */
export async function rootFromInclusionProof(index, size, leafHash, proof) {
  if (!(index >= 0 && index < size)) throw new Error(`index ${index} is outside a tree of size ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new Error('the proof is longer than the tree needs');
    if (odd(fn) || fn === sn) {
      r = await hashChildren(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      }
    } else {
      r = await hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new Error('the proof is shorter than the tree needs');
  return r;
}

/**
 * RFC 9162 §2.1.4.2: true when {@code proof} shows that the tree of size1 with root1 is a prefix of the tree
 * of size2 with root2. Requires 0 <= size1 <= size2.
 */
export async function verifyConsistency(size1, size2, proof, root1, root2) {
  if (size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = proof;
  if ((size1 & (size1 - 1)) === 0 && size1 < 2 ** 31) path = [root1, ...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) { fn = half(fn); sn = half(sn); }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await hashChildren(c, fr);
      sr = await hashChildren(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      }
    } else {
      sr = await hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}

/**
 * Parses a C2SP signed note holding a tlog checkpoint: origin, size, base64 root hash, optional extension
 * lines, a blank line, then one line per signature ("— name base64(keyid[4] || signature)").
 */
export function parseCheckpoint(note) {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint has no signature block');
  const text = note.slice(0, split + 1);
  const lines = text.split('\n');
  if (lines.length < 4) throw new Error('the checkpoint body is too short');
  const size = Number(lines[1]);
  if (!Number.isSafeInteger(size) || size < 0 || String(size) !== lines[1]) throw new Error('the checkpoint size is malformed');
  const signatures = note.slice(split + 2).split('\n').filter((l) => l.length > 0).map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error('a signature line is malformed');
    const blob = fromBase64(m[2]);
    if (blob.length < 5) throw new Error('a signature is too short');
    return { keyName: m[1], keyId: toHex(blob.slice(0, 4)), signatureBytes: blob.length - 4, signature: blob.slice(4) };
  });
  return { origin: lines[0], size, rootHash: fromBase64(lines[2]), text, signatures };
}

const ED25519 = 0x01; // C2SP signed-note signature type of Ed25519 keys
const COSIGNATURE_V1 = 0x04; // C2SP tlog-cosignature: Ed25519 cosigner keys, timestamped signatures

/**
 * Parses a C2SP verifier key line "name+keyid+base64(type || public key)" and checks its key id
 * (SHA-256(name || 0x0A || type || public key)[:4]). Only Ed25519 keys can be checked by WebCrypto here;
 * other types (SM2 on a gm ledger) come back with supported = false.
 */
export async function parseVerifierKey(line) {
  const text = line.trim();
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  const parts = second < 0 ? [text] : [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  if (parts.length !== 3 || !/^[0-9a-f]{8}$/.test(parts[1]) || parts[0].length === 0) {
    throw new Error('a key must read name+keyid+base64key, as in member.vkey');
  }
  let blob;
  try {
    blob = fromBase64(parts[2]);
  } catch (e) {
    throw new Error(`the key of ${parts[0]} is not base64`);
  }
  if (blob.length < 2) throw new Error(`the key of ${parts[0]} is too short`);
  const id = toHex((await sha256(new TextEncoder().encode(parts[0]), Uint8Array.of(0x0a), blob)).slice(0, 4));
  if (id !== parts[1]) throw new Error(`the key id of ${parts[0]} does not match its key`);
  const supported = (blob[0] === ED25519 || blob[0] === COSIGNATURE_V1) && blob.length === 33;
  return { keyName: parts[0], keyId: id, supported, cosigner: blob[0] === COSIGNATURE_V1, publicKey: blob.slice(1) };
}

/**
 * The message and Ed25519 signature a signature line stands for: the note text itself, or, for a cosigner key
 * (C2SP tlog-cosignature v1), "cosignature/v1\ntime T\n" followed by the note text, where T is the big-endian
 * u64 timestamp that precedes the signature. Null when a cosignature is not 72 bytes or its timestamp exceeds
 * 2^63 - 1.
 */
function signedMessage(key, text, signature) {
  if (!key.cosigner) return { message: text, signature };
  if (signature.length !== 72) return null;
  const timestamp = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  if (timestamp >= 2n ** 63n) return null;
  const header = new TextEncoder().encode(`cosignature/v1\ntime ${timestamp}\n`);
  const message = new Uint8Array(header.length + text.length);
  message.set(header);
  message.set(text, header.length);
  return { message, signature: signature.slice(8) };
}

/**
 * Checks each signature of a parsed checkpoint against the trusted keys: 'verified', 'invalid',
 * 'no trusted key' (no key with that name and id) or 'not verifiable in browser' (not Ed25519).
 */
export async function checkSignatures(checkpoint, trustedKeys) {
  const text = new TextEncoder().encode(checkpoint.text);
  const out = [];
  for (const sig of checkpoint.signatures) {
    const key = trustedKeys.find((k) => k.keyName === sig.keyName && k.keyId === sig.keyId);
    let status;
    if (!key) status = 'no trusted key';
    else if (!key.supported) status = 'not verifiable in browser';
    else {
      const signed = signedMessage(key, text, sig.signature);
      const pub = await crypto.subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
      status = signed && (await crypto.subtle.verify({ name: 'Ed25519' }, pub, signed.signature, signed.message))
        ? 'verified'
        : 'invalid';
    }
    out.push({ ...sig, status });
  }
  return out;
}
