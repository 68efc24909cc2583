// The console's pages. Each page is offered only to the roles whose calls the API accepts.
import { api } from './api.js';
import { h, table, badge, errorBox, when, amount } from './dom.js';
import { fromBase64, toHex, equalBytes, hashLeaf, rootFromInclusionProof, verifyConsistency, parseCheckpoint, parseVerifierKey,
  checkSignatures } from './merkle.js';
import { stepChart } from './chart.js';

const EVENT_TYPES = ['UPLOAD', 'ACCESS', 'QUERY_SUBMITTED', 'QUERY_APPROVED', 'COMPUTE', 'PAYMENT', 'CONSENT_REVOKED',
  'KEY_ISSUED', 'MEMBER_ADMITTED', 'MEMBER_REMOVED', 'CONTRACT_CALL', 'ANCHORED', 'RECORD_VERSIONED'];
const PARTY_FIELDS = ['actor', 'payer', 'payee', 'recipient', 'member_id'];
const PAGE = 500;
const WANTED = 50;
const MAX_SCAN = 20000;
const TRUSTED_KEYS = 'medshare.trustedCheckpointKeys'; // public verifier keys only

function title(text) {
  return h('h2', { id: 'page-title' }, text);
}

function statusBadge(status) {
  const kind = { COMPLETED: 'ok', APPROVED: 'ok', SUBMITTED: 'warn', REFUSED: 'bad', FAILED: 'bad' }[status] || 'info';
  return badge(status, kind);
}

// ---------------------------------------------------------------------------------------------- audit

function matches(e, f) {
  const fields = e.fields || {};
  if (f.type && e.type !== f.type) return false;
  if (f.party) {
    const p = f.party.toLowerCase();
    if (!PARTY_FIELDS.some((k) => typeof fields[k] === 'string' && fields[k].toLowerCase().includes(p))) return false;
  }
  if (f.record && fields.record_id !== f.record) return false;
  if (f.query && fields.query_id !== f.query) return false;
  if (f.since && e.timestampMillis < Date.parse(f.since + 'T00:00:00Z')) return false;
  if (f.until && e.timestampMillis > Date.parse(f.until + 'T23:59:59.999Z')) return false;
  return true;
}

function eventSummary(e) {
  const f = e.fields || {};
  if (e.type === 'ANCHORED') {
    return [`checkpoint of size ${f.tree_size} anchored on chain ${f.chain_id} · transaction `,
      h('span', { class: 'mono' }, `0x${f.tx_hash}`), ` · block ${f.block_number} · covers `,
      h('a', { href: `#/event/${f.tree_size - 1}` }, `entries 0–${f.tree_size - 1}`)];
  }
  const bits = [];
  for (const k of PARTY_FIELDS) if (f[k]) bits.push(`${k.replace('_', ' ')}: ${f[k]}`);
  if (f.record_id) bits.push(`record ${f.record_id}`);
  if (f.query_id) bits.push(`query ${f.query_id}`);
  if (f.amount !== undefined) bits.push(`amount ${amount(f.amount)}`);
  if (f.record_count !== undefined) bits.push(`${f.record_count} records`);
  return bits.join(' · ');
}

function filterForm(f, onApply) {
  const input = (name, label, type = 'text', extra = {}) =>
    h('label', {}, label, h('input', { name, type, value: f[name] || '', ...extra }));
  const form = h('form', { class: 'filters panel', 'aria-label': 'Filter events' },
    input('party', 'Party (organisation or user)', 'text', { placeholder: 'e.g. hospital-a' }),
    h('label', {}, 'Event type', h('select', { name: 'type' }, h('option', { value: '' }, 'Any'),
      EVENT_TYPES.map((t) => h('option', { value: t, selected: f.type === t }, t)))),
    input('record', 'Record id'),
    input('query', 'Query id'),
    input('since', 'From date (UTC)', 'date'),
    input('until', 'To date (UTC)', 'date'),
    h('button', { type: 'submit' }, 'Apply filters'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(form).entries());
    onApply(Object.fromEntries(Object.entries(data).filter(([, v]) => v)));
  });
  return form;
}

async function renderAudit(root, { args }) {
  const f = Object.fromEntries(new URLSearchParams(args.join('/')));
  root.append(title('Audit trail'),
    h('p', { class: 'muted' }, 'Every upload, access, query, computation and payment, newest first. Open an event to verify its inclusion proof in this browser.'));
  root.append(filterForm(f, (next) => { location.hash = '#/audit/' + new URLSearchParams(next).toString(); }));
  const results = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading events…'));
  root.append(results);
  const health = await api('/api/v1/health/platform');
  let end = health.ledger.size;
  const found = [];
  const more = h('button', { type: 'button', class: 'secondary' }, 'Load older events');
  const status = h('p', { class: 'muted' });

  async function scan() {
    more.disabled = true;
    let scanned = 0;
    const before = found.length;
    while (end > 0 && found.length - before < WANTED && scanned < MAX_SCAN) {
      const from = Math.max(0, end - PAGE);
      const q = new URLSearchParams({ from: String(from), limit: String(end - from) });
      if (f.type) q.set('type', f.type);
      for (const k of ['party', 'record', 'query', 'since', 'until']) if (f[k]) q.set(k, f[k]);
      const page = await api('/api/v1/audit/events?' + q.toString());
      const inWindow = page.filter((e) => e.index >= from && e.index < end && matches(e, f));
      found.push(...inWindow.sort((a, b) => b.index - a.index));
      scanned += end - from;
      end = from;
    }
    draw();
  }

  function draw() {
    const rows = found;
    const t = table([
      { title: 'Entry', num: true, cell: (e) => h('a', { href: `#/event/${e.index}`, 'aria-label': `Event ${e.index}, ${e.type}` }, String(e.index)) },
      { title: 'Time', cell: (e) => when(e.timestampMillis) },
      { title: 'Type', cell: (e) => badge(e.type, 'info') },
      { title: 'Details', cell: (e) => eventSummary(e) },
    ], rows, { caption: 'Audit events', empty: Object.keys(f).length
      ? 'No event matches these filters.' : 'The ledger has no events yet. Uploads, queries and payments will appear here.' });
    status.textContent = end > 0 ? `Showing ${rows.length} matching events; older entries (before ${end}) not searched yet.`
      : `Showing all ${rows.length} matching events.`;
    more.disabled = end === 0;
    results.replaceChildren(status, t, end > 0 ? h('p', {}, more) : null);
  }

  more.addEventListener('click', () => scan().catch((e) => results.append(errorBox(e))));
  await scan();
}

async function renderEvent(root, { args }) {
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
  const keyArea = h('textarea', { id: 'trusted-keys', rows: 2, spellcheck: 'false', class: 'mono', style: 'width:100%' });
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

// ----------------------------------------------------------------------------------------- queries

async function queryList() {
  const all = [];
  for (let offset = 0; offset < 10000; offset += 1000) {
    const page = await api(`/api/v1/queries?offset=${offset}&limit=1000`);
    all.push(...page);
    if (page.length < 1000) break;
  }
  return all;
}

function payoutsCell(q) {
  if (!q.payouts || !q.payouts.length) return '—';
  return q.payouts.map((p) => `${p.organisation}: ${amount(p.amount)} (${p.recordCount} records)`).join('; ');
}

async function renderApprovals(root) {
  root.append(title('Query approvals'),
    h('p', { class: 'muted' }, 'Approving a query charges its privacy budget, runs it in the (simulated) enclave and pays the hospitals whose records it used.'));
  const notice = h('div', { 'aria-live': 'polite' });
  const pending = h('div');
  const decided = h('div');
  root.append(notice, h('h3', {}, 'Waiting for a decision'), pending, h('h3', {}, 'Decided'), decided);

  async function draw() {
    const [all, paid] = await Promise.all([queryList(), api('/api/v1/payments/payouts')]);
    for (const q of all) {
      if (!q.payouts || !q.payouts.length) {
        q.payouts = paid.filter((p) => p.queryId === q.queryId)
          .map((p) => ({ organisation: p.payee, amount: p.amount, recordCount: p.recordCount }));
      }
    }
    const waiting = all.filter((q) => q.status === 'SUBMITTED');
    pending.replaceChildren(table([
      { title: 'Query', cell: (q) => h('span', { class: 'mono' }, q.queryId) },
      { title: 'Insurer', cell: (q) => q.insurer },
      { title: 'Template', cell: (q) => `${q.templateId} v${q.templateVersion}` },
      { title: 'ε', num: true, cell: (q) => String(q.epsilon) },
      { title: 'Submitted', cell: (q) => when(Date.parse(q.submittedAt)) },
      { title: 'Decision', cell: (q) => decisionControls(q) },
    ], waiting, { caption: 'Queries waiting for approval', empty: 'No query is waiting for approval.' }));
    decided.replaceChildren(table([
      { title: 'Query', cell: (q) => h('span', { class: 'mono' }, q.queryId) },
      { title: 'Insurer', cell: (q) => q.insurer },
      { title: 'Template', cell: (q) => `${q.templateId} v${q.templateVersion}` },
      { title: 'Status', cell: (q) => statusBadge(q.status) },
      { title: 'By / reason', cell: (q) => [q.decidedBy || '', q.reason ? ` — ${q.reason}` : ''] },
      { title: 'Payouts', cell: payoutsCell },
    ], all.filter((q) => q.status !== 'SUBMITTED'), { caption: 'Decided queries', empty: 'No query has been decided yet.' }));
  }

  function decisionControls(q) {
    const reasonId = `reason-${q.queryId}`;
    const reason = h('input', { id: reasonId, type: 'text', maxlength: 1000, placeholder: 'required to refuse' });
    const approve = h('button', { type: 'button', 'aria-label': `Approve query ${q.queryId}` }, 'Approve');
    const refuse = h('button', { type: 'button', class: 'danger', disabled: true, 'aria-label': `Refuse query ${q.queryId}` }, 'Refuse');
    reason.addEventListener('input', () => { refuse.disabled = reason.value.trim() === ''; });
    const act = async (path, body, verb) => {
      approve.disabled = true;
      refuse.disabled = true;
      notice.replaceChildren(h('p', { class: 'muted' }, `${verb} query ${q.queryId}…`));
      try {
        const r = await api(`/api/v1/queries/${encodeURIComponent(q.queryId)}/${path}`, { method: 'POST', body });
        notice.replaceChildren(h('p', { class: 'notice' }, `Query ${r.queryId} is now ${r.status}.`,
          r.inputRecords != null ? ` It used ${r.inputRecords} records.` : '',
          r.payouts && r.payouts.length ? ` Paid: ${payoutsCell(r)}.` : ''));
      } catch (e) {
        notice.replaceChildren(errorBox(e));
      }
      await draw();
    };
    approve.addEventListener('click', () => act('approve', undefined, 'Approving'));
    refuse.addEventListener('click', () => act('refuse', { reason: reason.value.trim() }, 'Refusing'));
    return h('div', { class: 'actions' }, approve,
      h('span', { class: 'refuse' }, h('label', { for: reasonId }, 'Reason', reason), refuse));
  }

  await draw();
}

async function renderQueries(root) {
  root.append(title('My queries'),
    h('p', { class: 'muted' }, 'Your organisation\'s queries and their status. Results are aggregates only, computed and signed by the enclave.'));
  const all = await queryList();
  root.append(table([
    { title: 'Query', cell: (q) => h('span', { class: 'mono' }, q.queryId) },
    { title: 'Template', cell: (q) => `${q.templateId} v${q.templateVersion}` },
    { title: 'Submitted', cell: (q) => when(Date.parse(q.submittedAt)) },
    { title: 'Status', cell: (q) => statusBadge(q.status) },
    { title: 'Reason', cell: (q) => q.reason || '—' },
    { title: 'Records', num: true, cell: (q) => (q.inputRecords == null ? '—' : String(q.inputRecords)) },
    { title: 'Result', cell: (q) => (q.result ? h('details', {}, h('summary', {}, 'Show result'), h('pre', {}, pretty(q.result))) : '—') },
  ], all, { caption: 'Your queries', empty: 'Your organisation has not submitted a query yet (medshare query submit).' }));
}

function pretty(json) {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch (e) {
    return json;
  }
}

// --------------------------------------------------------------------------------- hospital rules

async function renderDataUse(root, { me }) {
  root.append(title('Data use and consent'),
    h('p', { class: 'muted' }, `Which purposes and query templates may use ${me.organisation}'s records (nothing is allowed unless listed), and consent per record.`));
  const rulesPanel = h('section', { class: 'panel', 'aria-labelledby': 'rules-title' });
  const recordsPanel = h('section', { class: 'panel', 'aria-labelledby': 'records-title' });
  root.append(rulesPanel, recordsPanel);

  let rules = [...await api('/api/v1/data-use-rules')];
  const msg = h('div', { 'aria-live': 'polite' });
  function drawRules() {
    const input = h('input', { id: 'new-rule', type: 'text', size: 40, placeholder: 'e.g. insurance-stats/* or insurance-stats/count-by-sex' });
    const form = h('form', { class: 'actions' }, h('label', { for: 'new-rule' }, 'Allow a purpose/template', input),
      h('button', { type: 'submit' }, 'Add and save'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (input.value.trim()) save([...rules, input.value.trim()]);
    });
    rulesPanel.replaceChildren(h('h3', { id: 'rules-title' }, 'Data-use rules'), msg,
      rules.length ? h('ul', {}, rules.map((r) => h('li', {}, h('code', {}, r), ' ',
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove rule ${r}`, onclick: () => save(rules.filter((x) => x !== r)) }, 'Remove'))))
        : h('p', { class: 'empty' }, 'No rule: no query may use your records.'),
      form);
  }
  async function save(next) {
    try {
      rules = [...await api('/api/v1/data-use-rules', { method: 'PUT', body: { rules: next } })];
      msg.replaceChildren(h('p', { class: 'notice' }, 'Rules saved.'));
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
    drawRules();
  }
  drawRules();

  const records = await api('/api/v1/records?limit=500');
  const recMsg = h('div', { 'aria-live': 'polite' });
  recordsPanel.append(h('h3', { id: 'records-title' }, 'Records and consent'), recMsg, table([
    { title: 'Record', cell: (r) => h('span', { class: 'mono' }, r.recordId) },
    { title: 'Uploaded', cell: (r) => when(Date.parse(r.createdAt)) },
    { title: 'Policy', cell: (r) => h('code', {}, r.policy) },
    { title: 'Ledger entry', num: true, cell: (r) => (r.ledgerIndex == null ? '—' : String(r.ledgerIndex)) },
    { title: 'Consent', cell: (r) => {
      const b = h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke consent for record ${r.recordId}` }, 'Revoke consent');
      b.addEventListener('click', async () => {
        if (!confirm(`Revoke the patient's consent for record ${r.recordId}? No later query will use it. This cannot be undone.`)) return;
        try {
          const answer = await api(`/api/v1/records/${encodeURIComponent(r.recordId)}/consent/revoke`, { method: 'POST' });
          b.replaceWith(badge('revoked', 'bad'));
          recMsg.replaceChildren(h('p', { class: 'notice' }, answer.changed
            ? `Consent for ${r.recordId} revoked (CONSENT_REVOKED is on the ledger).`
            : `Consent for ${r.recordId} had already been revoked.`));
        } catch (e) {
          recMsg.replaceChildren(errorBox(e));
        }
      });
      return b;
    } },
  ], records, { caption: 'Your records', empty: 'Your organisation has not uploaded a record yet (medshare upload).' }));
}

// ----------------------------------------------------------------------------------------- payouts

async function renderPayouts(root, { me }) {
  const regulator = me.roles.includes('regulator');
  root.append(title(regulator ? 'Contract balances and payouts' : 'Balance and payouts'),
    h('p', { class: 'muted' }, 'Payments settled by the incentive contract when queries complete, as recorded on the audit ledger.'));
  const payouts = await api('/api/v1/payments/payouts');
  let balances;
  if (regulator) {
    const parties = await api('/api/v1/parties');
    const orgs = [...new Set([...parties.map((p) => p.organisation), ...payouts.flatMap((p) => [p.payer, p.payee])])].filter(Boolean).sort();
    balances = await Promise.all(orgs.map((o) => api(`/api/v1/payments/balances/${encodeURIComponent(o)}`)));
  } else {
    balances = [await api('/api/v1/payments/balances/me')];
  }

  const byPayee = new Map();
  for (const p of payouts) {
    const e = byPayee.get(p.payee) || { payee: p.payee, count: 0, records: 0, total: 0, points: [] };
    e.count += 1;
    e.records += p.recordCount;
    e.total += p.amount;
    e.points.push({ t: Date.parse(p.at), v: e.total });
    byPayee.set(p.payee, e);
  }
  const earners = [...byPayee.values()].sort((a, b) => a.payee.localeCompare(b.payee));
  const chartPanel = h('section', { class: 'panel', 'aria-labelledby': 'chart-title' }, h('h3', { id: 'chart-title' }, 'Earnings over time'));
  chartPanel.append(earners.length
    ? stepChart(earners.map((e) => ({ name: e.payee, points: e.points })), { title: 'Cumulative earnings per hospital over time' })
    : h('p', { class: 'empty' }, 'No payment yet. Hospitals are paid when an approved query completes.'));
  root.append(chartPanel,
    h('div', { class: 'grid2' },
      h('section', { class: 'panel', 'aria-labelledby': 'earn-title' }, h('h3', { id: 'earn-title' }, 'Earnings per hospital'),
        table([
          { title: 'Hospital', cell: (e) => e.payee },
          { title: 'Payments', num: true, cell: (e) => String(e.count) },
          { title: 'Records used', num: true, cell: (e) => String(e.records) },
          { title: 'Earned', num: true, cell: (e) => amount(e.total) },
        ], earners, { caption: 'Earnings per hospital', empty: 'No hospital has been paid yet.' })),
      h('section', { class: 'panel', 'aria-labelledby': 'bal-title' }, h('h3', { id: 'bal-title' }, 'Contract balances'),
        table([
          { title: 'Organisation', cell: (b) => b.organisation },
          { title: 'Escrow', num: true, cell: (b) => amount(b.escrow) },
          { title: 'Earned', num: true, cell: (b) => amount(b.earned) },
        ], balances, { caption: 'Contract balances', empty: 'No organisation has a balance.' }))),
    h('section', { class: 'panel', 'aria-labelledby': 'pay-title' }, h('h3', { id: 'pay-title' }, 'Every payment'),
      table([
        { title: 'Time', cell: (p) => when(Date.parse(p.at)) },
        { title: 'Query', cell: (p) => h('span', { class: 'mono' }, p.queryId) },
        { title: 'From', cell: (p) => p.payer },
        { title: 'To', cell: (p) => p.payee },
        { title: 'Records', num: true, cell: (p) => String(p.recordCount) },
        { title: 'Amount', num: true, cell: (p) => amount(p.amount) },
        { title: 'Ledger entry', num: true, cell: (p) => (regulator ? h('a', { href: `#/event/${p.ledgerIndex}` }, String(p.ledgerIndex)) : String(p.ledgerIndex)) },
      ], [...payouts].reverse(), { caption: 'Payments', empty: 'No payment yet.' })));
}

// ------------------------------------------------------------------------------------------ health

function anchorPanel(a, regulator) {
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'anchor-title' },
    h('h3', { id: 'anchor-title' }, 'Checkpoint anchoring (external EVM chain)'));
  if (!a.enabled) {
    panel.append(h('p', { class: 'empty' }, 'Off: no chain is configured (medshare.anchor.rpc-url).'));
    return panel;
  }
  const l = a.last;
  const state = a.consecutiveFailures === 0 ? badge('ok', 'ok')
    : [badge(`${a.consecutiveFailures} failed attempts`, 'bad'), ` ${a.lastError} Next attempt ${when(Date.parse(a.nextAttemptAt))}.`];
  panel.append(h('dl', { class: 'kv' },
    h('dt', {}, 'State'), h('dd', { id: 'anchor-state' }, state),
    h('dt', {}, 'Chain id'), h('dd', {}, a.chainId === null ? 'not reached yet' : String(a.chainId)),
    h('dt', {}, 'Contract'), h('dd', { class: 'mono' }, a.contract || 'not deployed yet'),
    h('dt', {}, 'Anchoring account'), h('dd', { class: 'mono' }, a.account),
    h('dt', {}, 'Policy'), h('dd', {}, `every ${a.everyEntries} entries, or every ${a.everySeconds} s with new entries`),
    h('dt', {}, 'Last anchor'), h('dd', { id: 'last-anchor' }, l
      ? [`size ${l.size}, root ${l.root.slice(0, 24)}… in block ${l.blockNumber}, ${when(Date.parse(l.at))}; ledger entry `,
        regulator ? h('a', { href: `#/event/${l.ledgerIndex}` }, String(l.ledgerIndex)) : String(l.ledgerIndex)]
      : 'none yet'),
    h('dt', {}, 'Transaction'), h('dd', { class: 'mono', id: 'last-anchor-tx' }, l ? l.txHash : '—'),
    h('dt', {}, 'Entries not yet anchored'), h('dd', {}, badge(String(a.pendingEntries), a.pendingEntries < a.everyEntries ? 'ok' : 'warn'))));
  return panel;
}

async function renderHealth(root, { me }) {
  root.append(title('Platform health'));
  const p = await api('/api/v1/health/platform');
  const e = p.enclave;
  root.append(h('p', { class: 'simulated', id: 'enclave-mode', role: 'note' },
    `Enclave mode: ${e.mode}. `, h('span', { style: 'font-weight:400' }, e.note)));

  const l = p.ledger;
  const ledger = h('section', { class: 'panel', 'aria-labelledby': 'ledger-title' }, h('h3', { id: 'ledger-title' }, 'Ledger'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Hash suite'), h('dd', {}, l.suite === 'gm' ? 'gm (SM3, SM2)' : 'nist (SHA-256, Ed25519)'),
      h('dt', {}, 'Origin'), h('dd', { class: 'mono' }, l.origin),
      h('dt', {}, 'Entries'), h('dd', {}, String(l.size)),
      h('dt', {}, 'Latest checkpoint'), h('dd', {}, l.checkpoint ? `size ${l.checkpoint.size}, root ${toHex(fromBase64(l.checkpoint.rootHash)).slice(0, 24)}…` : 'none signed yet'),
      h('dt', {}, 'Replication'), h('dd', {}, l.replication)),
    h('h3', {}, 'Members'),
    table([
      { title: 'Member (key name)', cell: (m) => h('span', { class: 'mono' }, m.name) },
      { title: 'Role', cell: (m) => badge(m.role, m.role === 'leader' ? 'info' : 'ok') },
      { title: 'Last cosigned checkpoint', num: true, cell: (m) => String(m.lastCosignedSize) },
      { title: 'Lag (entries)', num: true, cell: (m) => badge(String(m.lag), m.lag === 0 ? 'ok' : 'warn') },
    ], l.members, { caption: 'Ledger members', empty: 'No member has signed a checkpoint yet.' }));

  const s = p.store;
  const scrub = s.lastScrub;
  const store = h('section', { class: 'panel', 'aria-labelledby': 'store-title' }, h('h3', { id: 'store-title' }, 'Storage nodes'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Erasure code'), h('dd', {}, `RS(${s.k},${s.n}): any ${s.k} of ${s.n} shards rebuild a stripe`),
      h('dt', {}, 'Repair queue'), h('dd', {}, badge(`${s.repairQueue} records`, s.repairQueue === 0 ? 'ok' : 'warn')),
      h('dt', {}, 'Last scrub'), h('dd', {}, scrub
        ? (scrub.failure ? [badge('failed', 'bad'), ` ${when(Date.parse(scrub.finishedAt))}: ${scrub.failure}`]
          : `${when(Date.parse(scrub.finishedAt))}: ${scrub.shardsChecked} shards checked, ${scrub.corrupt} corrupt, ${scrub.missing} missing, ${scrub.shardsRebuilt} rebuilt, ${scrub.unrecoverable} unrecoverable`)
        : 'not yet run since the service started')),
    table([
      { title: 'Node', cell: (n) => h('span', { class: 'mono' }, n.id) },
      { title: 'State', cell: (n) => badge(n.up ? 'up' : 'down', n.up ? 'ok' : 'bad') },
      { title: 'Consecutive failures', num: true, cell: (n) => String(n.consecutiveFailures) },
      { title: 'Shards', num: true, cell: (n) => String(n.shards) },
    ], s.nodes, { caption: 'Storage nodes', empty: 'No storage node is configured.' }));

  const enclave = h('section', { class: 'panel', 'aria-labelledby': 'enclave-title' }, h('h3', { id: 'enclave-title' }, 'Enclaves'),
    e.started ? table([
      { title: 'Enclave', cell: (x) => x.role },
      { title: 'Mode', cell: () => badge(e.mode, 'warn') },
      { title: 'Measurement (MRENCLAVE)', cell: (x) => h('span', { class: 'mono' }, x.measurement) },
      { title: 'Signer (MRSIGNER)', cell: (x) => h('span', { class: 'mono' }, x.signer) },
      { title: 'Product / SVN', cell: (x) => `${x.productId} / ${x.svn}${x.debug ? ' (debug)' : ''}` },
      { title: 'Process', num: true, cell: (x) => String(x.pid) },
    ], e.enclaves, { caption: 'Enclaves' }) : h('p', { class: 'empty' }, 'The enclaves are not running: they start with the service, or on first use if they could not.'));
  root.append(h('div', { class: 'grid2' }, ledger, store), anchorPanel(p.anchor, me.roles.includes('regulator')), enclave);
}

export const PAGES = [
  { path: 'audit', title: 'Audit trail', roles: ['regulator'], render: renderAudit },
  { path: 'event', title: 'Event', roles: ['regulator'], render: renderEvent, hidden: true },
  { path: 'approvals', title: 'Approvals', roles: ['regulator'], render: renderApprovals },
  { path: 'queries', title: 'My queries', roles: ['insurer'], render: renderQueries },
  { path: 'data-use', title: 'Data use & consent', roles: ['hospital'], render: renderDataUse },
  { path: 'payouts', title: 'Payouts', roles: ['hospital', 'insurer', 'regulator'], render: renderPayouts },
  { path: 'health', title: 'Health', roles: ['hospital', 'insurer', 'regulator'], render: renderHealth },
];
