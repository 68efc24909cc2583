// Query approvals (regulator): approve or refuse the waiting queries; decided queries with their payouts. An approval
// is signed here, in the regulator's browser, with the regulator's own approval key (approval.js): the service
// relays it to the key authority and holds no key that could approve a query.
import { api } from '../api.js';
import { h, table, errorBox, when, amount } from '../dom.js';
import { importApprovalKey, signApproval, TermsRefused } from '../approval.js';
import { loadApprovalKey, saveApprovalKey, forgetApprovalKey } from '../approval-key.js';
import { title, statusBadge, queryList } from './common.js';

const APPROVAL_VALIDITY_MS = 60 * 60 * 1000;
const NO_KEY = 'Load your approval key above to approve: the approval is signed in this browser with your key.';

function payoutsCell(q) {
  if (!q.payouts || !q.payouts.length) return '—';
  return q.payouts.map((p) => `${p.organisation}: ${amount(p.amount)} (${p.recordCount} records)`).join('; ');
}

function describeTerms(t) {
  return `template ${t.templateId} v${t.templateVersion}, purpose attributes ${t.purposeAttributes.join(', ')}`;
}

export async function renderApprovals(root, { me }) {
  root.append(title('Query approvals'),
    h('p', { class: 'muted' }, 'Approving a query charges its privacy budget, runs it in the (simulated) enclave and pays the hospitals whose records it used.'));
  const keyPanel = h('section', { class: 'panel', 'aria-labelledby': 'approval-key-title' });
  const notice = h('div', { 'aria-live': 'polite' });
  const pending = h('div');
  const decided = h('div');
  const noKeyHint = h('p', { id: 'approve-needs-key', class: 'muted' }, NO_KEY);
  root.append(keyPanel, notice, h('h3', {}, 'Waiting for a decision'), noKeyHint, pending, h('h3', {}, 'Decided'), decided);

  let key = null;
  let keyProblem = null;
  try {
    key = await loadApprovalKey(me.subject);
  } catch (e) {
    keyProblem = `This browser cannot keep an approval key (${e.message || e}); a key you load now is used for this visit only.`;
  }

  function drawKey() {
    const heading = h('h3', { id: 'approval-key-title' }, 'Your approval key');
    const shown = keyProblem ? [heading, h('p', { class: 'error', role: 'alert' }, keyProblem)] : [heading];
    if (key) {
      const forget = h('button', { type: 'button', class: 'secondary' }, 'Forget key');
      forget.addEventListener('click', async () => {
        keyProblem = null;
        try {
          await forgetApprovalKey(me.subject);
        } catch (e) {
          keyProblem = `The key could not be deleted from this browser: ${e.message || e}`;
        }
        key = null;
        drawKey();
      });
      keyPanel.replaceChildren(...shown,
        h('p', {}, 'Approval key ', h('span', { id: 'approval-key-id', class: 'mono', title: key.keyId }, key.keyId.slice(0, 16)),
          ' is loaded in this browser. It signs your approvals here; its private half cannot be read back.'),
        h('p', { class: 'actions' }, forget));
    } else {
      const input = h('input', { id: 'approval-key-file', type: 'file' });
      input.addEventListener('change', () => loadFile(input));
      keyPanel.replaceChildren(...shown,
        h('label', { for: 'approval-key-file' },
          'Your approval key (PKCS#8 file from medshare party keygen); it never leaves this browser', input));
    }
    for (const b of pending.querySelectorAll('button[data-approve]')) b.disabled = !key;
    noKeyHint.hidden = Boolean(key);
  }

  async function loadFile(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    let bytes = null;
    keyProblem = null;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
      key = await importApprovalKey(bytes);
    } catch (e) {
      keyProblem = `${file.name}: ${e.message || 'not an Ed25519 key'}`;
      drawKey();
      return;
    } finally {
      if (bytes) bytes.fill(0);
      input.value = '';
    }
    try {
      await saveApprovalKey(me.subject, key);
    } catch (e) {
      keyProblem = `This browser cannot keep the key (${e.message || e}); it is used for this visit only.`;
    }
    drawKey();
  }

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
    const approve = h('button', { type: 'button', 'data-approve': true, disabled: !key, 'aria-describedby': 'approve-needs-key',
      'aria-label': `Approve query ${q.queryId}` }, 'Approve');
    const refuse = h('button', { type: 'button', class: 'danger', disabled: true, 'aria-label': `Refuse query ${q.queryId}` }, 'Refuse');
    reason.addEventListener('input', () => { refuse.disabled = reason.value.trim() === ''; });
    const path = (verb) => `/api/v1/queries/${encodeURIComponent(q.queryId)}/${verb}`;
    const outcome = (r, signed) => h('p', { class: 'notice' }, `Query ${r.queryId} is now ${r.status}.`,
      r.inputRecords != null ? ` It used ${r.inputRecords} records.` : '',
      r.payouts && r.payouts.length ? ` Paid: ${payoutsCell(r)}.` : '',
      signed ? ` You signed: ${describeTerms(signed)}.` : '');
    const act = async (decide) => {
      approve.disabled = true;
      refuse.disabled = true;
      try {
        await decide();
      } catch (e) {
        notice.replaceChildren(e instanceof TermsRefused
          ? h('p', { class: 'error', role: 'alert' }, `Query ${q.queryId} was not approved: ${e.message}. Nothing was signed or sent.`)
          : errorBox(e));
      }
      await draw();
    };
    approve.addEventListener('click', () => act(async () => {
      const signingKey = key;
      if (!signingKey) throw new Error(NO_KEY);
      notice.replaceChildren(h('p', { class: 'muted' }, `Checking the approval terms of query ${q.queryId}…`));
      const terms = await api(path('approval-terms'));
      const signed = await signApproval(q.queryId, terms, signingKey, Date.now() + APPROVAL_VALIDITY_MS);
      notice.replaceChildren(h('p', { class: 'muted' },
        `Approving query ${q.queryId}, signed with key ${signingKey.keyId.slice(0, 16)}: ${describeTerms(signed.terms)}…`));
      const r = await api(path('approve'), { method: 'POST', body: { approval: signed.approval } });
      notice.replaceChildren(outcome(r, signed.terms));
    }));
    refuse.addEventListener('click', () => act(async () => {
      notice.replaceChildren(h('p', { class: 'muted' }, `Refusing query ${q.queryId}…`));
      const r = await api(path('refuse'), { method: 'POST', body: { reason: reason.value.trim() } });
      notice.replaceChildren(outcome(r, null));
    }));
    return h('div', { class: 'actions' }, approve,
      h('span', { class: 'refuse' }, h('label', { for: reasonId }, 'Reason', reason), refuse));
  }

  await draw();
  drawKey();
}
