// Data use and consent (hospital): the organisation's data-use rules and consent revocation per record.
import { api } from '../api.js';
import { h, table, badge, errorBox, when } from '../dom.js';
import { title } from './common.js';

export async function renderDataUse(root, { me }) {
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
