// One ledger event (regulator), its inclusion proof verified in this browser and the latest checkpoint's signatures
// checked against verifier keys the regulator pastes.
import { api } from '../api.js';
import { h, table, badge, errorBox, when } from '../dom.js';
import { fromBase64, toHex, equalBytes, hashLeaf, rootFromInclusionProof, verifyConsistency, parseCheckpoint, parseVerifierKey,
  checkSignatures } from '../merkle.js';
import { title } from './common.js';

const TRUSTED_KEYS = 'medshare.trustedCheckpointKeys'; // public verifier keys only

export async function renderEvent(root, { args }) {
  const index = Number(args[0]);
  root.append(h('p', {}, h('a', { href: '#/audit' }, '← Audit trail')));
  if (!Number.isSafeInteger(index) || index < 0) {
    root.append(title('Event'), errorBox('This is not an event number.'));
    return;
  }
  root.append(title(`Event ${index}`));
  const [event] = await api(`/api/v1/audit/events?from=${index}&limit=1`);
  if (!event || event.index !== index) {
    root.append(errorBox(`The ledger has no entry ${index}.`));
    return;
  }
  root.append(h('div', { class: 'panel' }, h('dl', { class: 'kv' },
    h('dt', {}, 'Type'), h('dd', {}, badge(event.type, 'info')),
    h('dt', {}, 'Time'), h('dd', {}, when(event.timestampMillis)),
    Object.entries(event.fields).map(([k, v]) => [h('dt', {}, k.replace('_', ' ')), h('dd', { class: 'mono' }, String(v))]))));
  const proof = h('section', { class: 'panel', 'aria-labelledby': 'proof-title' },
    h('h3', { id: 'proof-title' }, 'Inclusion proof'), h('p', { class: 'muted' }, 'Fetching the proof…'));
  root.append(proof);
  await verifyInBrowser(index, proof);
}

async function verifyInBrowser(index, panel) {
  const [receipt, entry, latestNote] = await Promise.all([
    api(`/api/v1/audit/proofs/inclusion?index=${index}`),
    api(`/api/v1/ledger/entries/${index}`),
    api('/api/v1/audit/checkpoint', { accept: 'text/plain' }),
  ]);
  const steps = h('ol', { class: 'steps' });
  const outcome = h('p', { id: 'proof-status', role: 'status' });
  const step = (ok, text) => steps.append(h('li', {}, badge(ok ? 'verified' : 'FAILED', ok ? 'ok' : 'bad'), ' ', text));
  const receiptCp = parseCheckpoint(receipt.checkpoint);
  const latest = parseCheckpoint(latestNote);
  const sigTable = h('div');
  const drawSigs = (rows) => sigTable.replaceChildren(table([
    { title: 'Signer (key name)', cell: (x) => h('span', { class: 'mono' }, x.keyName) },
    { title: 'Key id', cell: (x) => h('span', { class: 'mono' }, x.keyId) },
    { title: 'Signature bytes', num: true, cell: (x) => String(x.signatureBytes) },
    { title: 'Checked in this browser', cell: (x) => (x.status ? badge(x.status, { verified: 'ok', invalid: 'bad' }[x.status] || 'warn') : '—') },
  ], rows, { caption: 'Checkpoint signatures', empty: 'The checkpoint carries no signature.' }));
  drawSigs(latest.signatures);
  const cpInfo = h('dl', { class: 'kv' },
    h('dt', {}, 'Origin'), h('dd', { class: 'mono' }, latest.origin),
    h('dt', {}, 'Tree size'), h('dd', {}, String(latest.size)),
    h('dt', {}, 'Root hash'), h('dd', { class: 'mono' }, toHex(latest.rootHash)));
  const sigStatus = h('div', { id: 'signature-status', role: 'status' });
  const keyArea = h('textarea', { id: 'trusted-keys', rows: 2, spellcheck: 'false', class: 'mono wide' });
  keyArea.value = localStorage.getItem(TRUSTED_KEYS) || '';
  const checkButton = h('button', { type: 'button' }, 'Check signatures');
  async function checkSigs() {
    const lines = keyArea.value.split('\n').map((l) => l.trim()).filter(Boolean);
    if (!lines.length) {
      sigStatus.replaceChildren(h('p', { class: 'muted' }, 'Paste the ledger members\' verifier keys to check the signatures here.'));
      drawSigs(latest.signatures);
      return;
    }
    let keys;
    try {
      keys = await Promise.all(lines.map(parseVerifierKey));
    } catch (e) {
      sigStatus.replaceChildren(errorBox(`The trusted keys were not used: ${e.message}.`));
      return;
    }
    localStorage.setItem(TRUSTED_KEYS, lines.join('\n'));
    const results = await checkSignatures(latest, keys);
    drawSigs(results);
    const good = results.filter((r) => r.status === 'verified').map((r) => r.keyName);
    const bad = results.filter((r) => r.status === 'invalid').map((r) => r.keyName);
    sigStatus.replaceChildren(h('p', {},
      bad.length ? badge('Signature INVALID', 'bad') : good.length ? badge('Checkpoint signature verified in this browser', 'ok')
        : badge('No signature checked', 'warn'),
      bad.length ? ` The signature of ${bad.join(', ')} does not match this checkpoint.`
        : good.length ? ` Signed by ${good.join(', ')}.` : ' None of the trusted keys signed this checkpoint.'));
  }
  checkButton.addEventListener('click', () => checkSigs().catch((e) => sigStatus.replaceChildren(errorBox(e))));
  panel.replaceChildren(h('h3', { id: 'proof-title' }, 'Inclusion proof'), outcome, steps,
    h('h3', {}, `Latest checkpoint and its ${latest.signatures.length === 1 ? 'signature' : 'signatures and cosignatures'}`),
    cpInfo, sigTable,
    h('label', { for: 'trusted-keys' }, 'Trusted checkpoint keys (one per line, e.g. the member.vkey the operator gave you out of band)'),
    keyArea, h('p', { class: 'actions' }, checkButton), sigStatus,
    h('p', { class: 'muted' }, 'The whole trail can also be verified offline with ', h('code', {}, 'medshare audit verify'), '.'));
  await checkSigs().catch((e) => sigStatus.replaceChildren(errorBox(e)));

  if (entry.suite !== 'nist') {
    outcome.replaceChildren(badge('not verifiable in browser', 'warn'),
      ` This ledger hashes with ${entry.suite === 'gm' ? 'SM3' : entry.suite}, which WebCrypto does not offer. Verify it offline with medshare audit verify.`);
    return;
  }
  try {
    const encoded = fromBase64(entry.encoded);
    const leaf = await hashLeaf(encoded);
    const leafOk = equalBytes(leaf, fromBase64(receipt.leafHash));
    step(leafOk, `Leaf hash SHA-256(0x00 ‖ entry bytes) = ${toHex(leaf).slice(0, 16)}… matches the proof's leaf.`);
    const root = await rootFromInclusionProof(index, receipt.treeSize, leaf, receipt.inclusionProof.map(fromBase64));
    const rootOk = receiptCp.size === receipt.treeSize && equalBytes(root, receiptCp.rootHash);
    step(rootOk, `${receipt.inclusionProof.length} proof hashes lead to root ${toHex(root).slice(0, 16)}… of the checkpoint at size ${receiptCp.size}.`);
    let latestOk;
    if (latest.size === receiptCp.size) {
      latestOk = equalBytes(latest.rootHash, receiptCp.rootHash) && latest.origin === receiptCp.origin;
      step(latestOk, `That checkpoint is the latest one (size ${latest.size}).`);
    } else {
      const c = await api(`/api/v1/audit/proofs/consistency?from=${receiptCp.size}&to=${latest.size}`);
      latestOk = await verifyConsistency(receiptCp.size, latest.size, c.proof.map(fromBase64), receiptCp.rootHash, latest.rootHash);
      step(latestOk, `Consistency proof: the tree of size ${receiptCp.size} is a prefix of the latest checkpoint (size ${latest.size}).`);
    }
    const ok = leafOk && rootOk && latestOk;
    outcome.replaceChildren(badge(ok ? 'Proof verified in this browser' : 'Proof FAILED', ok ? 'ok' : 'bad'),
      ok ? ` Entry ${index} is in the ledger whose latest signed checkpoint has size ${latest.size}.`
        : ' The ledger\'s answer does not prove this entry. Report it and verify the trail offline.');
  } catch (e) {
    outcome.replaceChildren(badge('Proof FAILED', 'bad'), ` ${e.message}.`);
  }
}
