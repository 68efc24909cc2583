// The audit trail (regulator): ledger events newest first, filtered by party, event type, record, query and date.
import { api } from '../api.js';
import { h, table, badge, errorBox, when, amount } from '../dom.js';
import { title } from './common.js';

const PARTY_FIELDS = ['actor', 'payer', 'payee', 'recipient', 'member_id'];
const PAGE = 500;
const WANTED = 50;
const MAX_SCAN = 20000;

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

function filterForm(f, typeNames, onApply) {
  const input = (name, label, type = 'text', extra = {}) =>
    h('label', {}, label, h('input', { name, type, value: f[name] || '', ...extra }));
  const form = h('form', { class: 'filters panel', 'aria-label': 'Filter events' },
    input('party', 'Party (organisation or user)', 'text', { placeholder: 'e.g. hospital-a' }),
    h('label', {}, 'Event type', h('select', { name: 'type' }, h('option', { value: '' }, 'Any'),
      typeNames.map((t) => h('option', { value: t, selected: f.type === t }, t)))),
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

export async function renderAudit(root, { args }) {
  const f = Object.fromEntries(new URLSearchParams(args.join('/')));
  root.append(title('Audit trail'),
    h('p', { class: 'muted' }, 'Every upload, access, query, computation and payment, newest first. Open an event to verify its inclusion proof in this browser.'));
  const [types, health] = await Promise.all([api('/api/v1/audit/event-types'), api('/api/v1/health/platform')]);
  root.append(filterForm(f, types.map((t) => t.name), (next) => { location.hash = '#/audit/' + new URLSearchParams(next).toString(); }));
  const results = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading events…'));
  root.append(results);
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
