// The console's in-browser RFC 9162 verifier (service/.../console/js/merkle.js) against a naive reference tree
// written straight from RFC 9162 §2.1.1, on every tree up to 20 leaves, with mutated proofs that must fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mth, path, subproof, leaves } from './rfc9162.mjs';
import { rootFromInclusionProof, verifyConsistency, equalBytes, parseCheckpoint, parseVerifierKey,
  checkSignatures }
  from '../service/src/main/resources/META-INF/resources/console/js/merkle.js';

function flip(bytes) {
  const c = Uint8Array.from(bytes);
  c[3] ^= 0x08;
  return c;
}

test('inclusion proofs of every leaf of every tree up to 20 lead to the root; mutations do not', async () => {
  const all = await leaves(20);
  for (let n = 1; n <= 20; n++) {
    const d = all.slice(0, n);
    const root = await mth(d);
    for (let m = 0; m < n; m++) {
      const proof = await path(m, d);
      assert.ok(equalBytes(await rootFromInclusionProof(m, n, d[m], proof), root), `leaf ${m} of ${n}`);
      if (proof.length > 0) {
        const bad = await rootFromInclusionProof(m, n, d[m], [flip(proof[0]), ...proof.slice(1)]);
        assert.ok(!equalBytes(bad, root), `modified-proof[0] leaf ${m} of ${n}`);
        await assert.rejects(rootFromInclusionProof(m, n, d[m], [...proof, proof[0]]), `trailing-garbage ${m} of ${n}`);
        await assert.rejects(rootFromInclusionProof(m, n, d[m], proof.slice(1)), `truncated ${m} of ${n}`);
      }
      if (n > 1) {
        const other = (m + 1) % n;
        assert.ok(!equalBytes(await rootFromInclusionProof(m, n, d[other], proof), root), `wrong-leaf ${m} of ${n}`);
      }
    }
    await assert.rejects(rootFromInclusionProof(n, n, d[0], []), 'index equal to size');
  }
});

test('consistency proofs between every pair of sizes up to 20 verify; mutations do not', async () => {
  const all = await leaves(20);
  for (let n = 1; n <= 20; n++) {
    const root2 = await mth(all.slice(0, n));
    for (let m = 1; m <= n; m++) {
      const root1 = await mth(all.slice(0, m));
      const proof = m === n ? [] : await subproof(m, all.slice(0, n), true);
      assert.ok(await verifyConsistency(m, n, proof, root1, root2), `${m} -> ${n}`);
      if (proof.length > 0) {
        assert.ok(!await verifyConsistency(m, n, [flip(proof[0]), ...proof.slice(1)], root1, root2), `modified-proof[0] ${m} -> ${n}`);
        assert.ok(!await verifyConsistency(m, n, [...proof, proof[0]], root1, root2), `trailing-garbage ${m} -> ${n}`);
        assert.ok(!await verifyConsistency(m, n, proof, flip(root1), root2), `wrong-old-root ${m} -> ${n}`);
        assert.ok(!await verifyConsistency(m, n, proof, root1, flip(root2)), `wrong-new-root ${m} -> ${n}`);
      }
    }
    if (n > 1) assert.ok(!await verifyConsistency(n, n - 1, [], root2, root2), 'shrinking tree');
  }
});

test('a C2SP checkpoint note parses into origin, size, root and signature lines', () => {
  const root = Buffer.alloc(32, 7).toString('base64');
  const sig = Buffer.concat([Buffer.from([0xde, 0xad, 0xbe, 0xef]), Buffer.alloc(64, 1)]).toString('base64');
  const cp = parseCheckpoint(`medshare.example/ledger\n12\n${root}\n\n\u2014 medshare.example-ledger-member-0 ${sig}\n`);
  assert.equal(cp.origin, 'medshare.example/ledger');
  assert.equal(cp.size, 12);
  assert.equal(cp.rootHash.length, 32);
  assert.deepEqual(cp.signatures.map(({ signature, ...rest }) => rest),
    [{ keyName: 'medshare.example-ledger-member-0', keyId: 'deadbeef', signatureBytes: 64 }]);
  assert.equal(cp.signatures[0].signature.length, 64);
  assert.throws(() => parseCheckpoint(`o\n-1\n${root}\n\n`), /size/);
  assert.throws(() => parseCheckpoint(`o\n1\n${root}\n`), /signature block/);
  assert.throws(() => parseCheckpoint(`o\n1\n${root}\n\n- name ${sig}\n`), /malformed/);
});

function vkey(name, publicKey) { // C2SP verifier key line, key id = SHA-256(name || 0x0A || 0x01 || key)[:4]
  const blob = Buffer.concat([Buffer.from([0x01]), Buffer.from(publicKey)]);
  const id = createHash('sha256').update(name).update(Buffer.from([0x0a])).update(blob).digest().subarray(0, 4).toString('hex');
  return `${name}+${id}+${blob.toString('base64')}`;
}

async function signedNote(name, keys, text) {
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey));
  const line = vkey(name, pub);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, new TextEncoder().encode(text)));
  const blob = Buffer.concat([Buffer.from(line.split('+', 2)[1], 'hex'), Buffer.from(sig)]);
  return { line, note: `${text}\n\u2014 ${name} ${blob.toString('base64')}\n` };
}

test('checkpoint signatures verify with the trusted Ed25519 key only, and a changed note does not', async () => {
  const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const other = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const root = Buffer.alloc(32, 9).toString('base64');
  const text = `medshare.example/ledger\n5\n${root}\n`;
  const { line, note } = await signedNote('member-0', keys, text);
  const trusted = await parseVerifierKey(line);
  assert.equal(trusted.supported, true);

  assert.deepEqual((await checkSignatures(parseCheckpoint(note), [trusted])).map((r) => r.status), ['verified']);
  const tampered = note.replace('\n5\n', '\n6\n');
  assert.deepEqual((await checkSignatures(parseCheckpoint(tampered), [trusted])).map((r) => r.status), ['invalid']);
  const otherKey = await parseVerifierKey(vkey('member-0', new Uint8Array(await crypto.subtle.exportKey('raw', other.publicKey))));
  assert.deepEqual((await checkSignatures(parseCheckpoint(note), [otherKey])).map((r) => r.status), ['no trusted key']);
  assert.deepEqual((await checkSignatures(parseCheckpoint(note), [])).map((r) => r.status), ['no trusted key']);

  const [name, id] = line.split('+', 2);
  const b64 = line.slice(name.length + id.length + 2);
  await assert.rejects(parseVerifierKey(`${name}+${id === '00000000' ? '00000001' : '00000000'}+${b64}`), /key id/);
  await assert.rejects(parseVerifierKey(`${name}+${id}`), /name\+keyid\+base64key/);
  const sm2 = Buffer.concat([Buffer.from([0xff]), Buffer.from('medshare.sm2'), Buffer.alloc(40, 1)]);
  const sm2Id = createHash('sha256').update('gm-member').update(Buffer.from([0x0a])).update(sm2).digest().subarray(0, 4).toString('hex');
  assert.equal((await parseVerifierKey(`gm-member+${sm2Id}+${sm2.toString('base64')}`)).supported, false);
});

function cosignerKey(name, publicKey) { // C2SP tlog-cosignature vkey: type 0x04
  const blob = Buffer.concat([Buffer.from([0x04]), Buffer.from(publicKey)]);
  const id = createHash('sha256').update(name).update(Buffer.from([0x0a])).update(blob).digest().subarray(0, 4).toString('hex');
  return `${name}+${id}+${blob.toString('base64')}`;
}

test('cosignature/v1 lines verify over the timestamped message, and a changed timestamp or plain key does not', async () => {
  const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey));
  const text = `medshare.example/ledger\n7\n${Buffer.alloc(32, 3).toString('base64')}\n`;
  const line = cosignerKey('hospital-a', pub);
  const timestamp = 1796567400n;
  const message = new TextEncoder().encode(`cosignature/v1\ntime ${timestamp}\n${text}`);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, message));
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(timestamp);
  const noteWith = (ts) => `${text}\n\u2014 hospital-a ${Buffer.concat([Buffer.from(line.split('+', 2)[1], 'hex'), ts, Buffer.from(sig)]).toString('base64')}\n`;
  const cosigner = await parseVerifierKey(line);
  assert.equal(cosigner.supported, true);
  assert.deepEqual((await checkSignatures(parseCheckpoint(noteWith(stamp)), [cosigner])).map((r) => r.status), ['verified']);
  const later = Buffer.alloc(8);
  later.writeBigUInt64BE(timestamp + 1n);
  assert.deepEqual((await checkSignatures(parseCheckpoint(noteWith(later)), [cosigner])).map((r) => r.status), ['invalid']);
  const negative = Buffer.alloc(8, 0xff);
  assert.deepEqual((await checkSignatures(parseCheckpoint(noteWith(negative)), [cosigner])).map((r) => r.status), ['invalid']);
  const plain = await parseVerifierKey(vkey('hospital-a', pub)); // same key, type 0x01: another key id
  assert.deepEqual((await checkSignatures(parseCheckpoint(noteWith(stamp)), [plain])).map((r) => r.status), ['no trusted key']);
});

test('the cosignature vector made by the Java ledger verifies in the browser code', async () => {
  const { readFile } = await import('node:fs/promises');
  const vector = await readFile(new URL('../ledger-anchor/src/test/resources/cosignature-v1-vector.txt', import.meta.url), 'utf8');
  const [keyLine, ...noteLines] = vector.split('\n');
  const note = noteLines.join('\n');
  const cosigner = await parseVerifierKey(keyLine);
  assert.deepEqual((await checkSignatures(parseCheckpoint(note), [cosigner])).map((r) => r.status), ['verified']);
});
