// Query approvals (regulator): approve or refuse the waiting queries; decided queries with their payouts.
import { api } from '../api.js';
import { h, table, errorBox, when, amount } from '../dom.js';
import { title, statusBadge, queryList } from './common.js';

function payoutsCell(q) {
  if (!q.payouts || !q.payouts.length) return '—';
  return q.payouts.map((p) => `${p.organisation}: ${amount(p.amount)} (${p.recordCount} records)`).join('; ');
}

export async function renderApprovals(root) {
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
