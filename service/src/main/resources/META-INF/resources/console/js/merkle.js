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
    return { keyName: m[1], keyId: toHex(blob.slice(0, 4)), signatureBytes: blob.length - 4 };
  });
  return { origin: lines[0], size, rootHash: fromBase64(lines[2]), text, signatures };
}
