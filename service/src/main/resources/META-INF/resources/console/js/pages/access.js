// Who opened the organisation's records (hospital): every release of a record's ciphertext, with the purpose of use and
// the consent versions that decided it; each release's ACCESS event is checked against its inclusion proof in this
// browser.
import { api } from '../api.js';
import { h, table, badge, errorBox, when } from '../dom.js';
import { fromBase64, equalBytes, hashLeaf, rootFromInclusionProof, parseCheckpoint } from '../merkle.js';
import { title } from './common.js';

export async function renderAccess(root, { me }) {
  root.append(title('Who opened our records'),
    h('p', { class: 'muted' }, `Every release of a ${me.organisation} record's ciphertext, newest first: who received it, for which purpose of use, under which consent. Each one is an ACCESS event on the ledger; "Check" verifies its inclusion proof in this browser.`));
  const releases = await api('/api/v1/records/access?limit=500');
  root.append(h('section', { class: 'panel' }, table([
    { title: 'When', cell: (a) => when(Date.parse(a.accessedAt)) },
    { title: 'Record', cell: (a) => h('span', { class: 'mono' }, a.recordId) },
    { title: 'Clinician', cell: (a) => h('span', { class: 'mono' }, a.clinician) },
    { title: 'Organisation', cell: (a) => a.organisation },
    { title: 'Purpose', cell: (a) => (a.breakGlass ? [a.purpose, ' ', badge('break-glass', 'warn')] : a.purpose || '—') },
    { title: 'Consent', cell: (a) => a.consentVersions || '—' },
    { title: 'Ledger entry', num: true, cell: (a) => String(a.ledgerIndex) },
    { title: 'In the ledger', cell: (a) => checkButton(a.ledgerIndex) },
  ], releases, { caption: 'Releases of your records', empty: 'No one has opened your organisation\'s records yet.' })));
}

function checkButton(index) {
  const cell = h('span', { 'aria-live': 'polite' });
  const b = h('button', { type: 'button', class: 'secondary', 'aria-label': `Check ledger entry ${index}` }, 'Check');
  b.addEventListener('click', async () => {
    try {
      cell.replaceChildren(await verify(index));
    } catch (e) {
      cell.replaceChildren(errorBox(e));
    }
  });
  cell.append(b);
  return cell;
}

/** The release's ACCESS event is the leaf its inclusion proof leads from to the signed checkpoint's root. */
async function verify(index) {
  const { entry, receipt } = await api(`/api/v1/records/access/${index}/proof`);
  if (entry.suite !== 'nist') return badge('verify offline (SM3)', 'warn');
  const checkpoint = parseCheckpoint(receipt.checkpoint);
  const leaf = await hashLeaf(fromBase64(entry.encoded));
  const root = await rootFromInclusionProof(index, receipt.treeSize, leaf, receipt.inclusionProof.map(fromBase64));
  const ok = equalBytes(leaf, fromBase64(receipt.leafHash)) && checkpoint.size === receipt.treeSize
    && equalBytes(root, checkpoint.rootHash);
  return ok ? badge(`verified (checkpoint ${checkpoint.size})`, 'ok') : badge('proof FAILED', 'bad');
}
