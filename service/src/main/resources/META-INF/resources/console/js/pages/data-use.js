// Data use and consent (hospital): the organisation's data-use rules (by template id, purpose or exact content), its own
// disclosure limits, and consent revocation per record.
import { api, ApiError } from '../api.js';
import { h, table, badge, errorBox, when } from '../dom.js';
import { title } from './common.js';

export async function renderDataUse(root, { me }) {
  root.append(title('Data use and consent'),
    h('p', { class: 'muted' }, `Which purposes and query templates may use ${me.organisation}'s records (nothing is allowed unless listed), and consent per record.`));
  const rulesPanel = h('section', { class: 'panel', 'aria-labelledby': 'rules-title' });
  const contentPanel = h('section', { class: 'panel', 'aria-labelledby': 'content-title' });
  const limitsPanel = h('section', { class: 'panel', 'aria-labelledby': 'limits-title' });
  const recordsPanel = h('section', { class: 'panel', 'aria-labelledby': 'records-title' });
  root.append(rulesPanel, contentPanel, limitsPanel, recordsPanel);
  const templates = (await api('/api/v1/templates')).filter((t) => t.state === 'APPROVED');

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
  function drawContent() {
    const covering = (t) => rules.filter((r) => r === `${t.purpose}/*` || r === `${t.purpose}/${t.templateId}` || r === contentRule(t));
    contentPanel.replaceChildren(h('h3', { id: 'content-title' }, 'Templates the regulator approved'),
      h('p', { class: 'muted' }, 'Allowing a template by its content hash allows exactly that text: a changed template is a new hash that needs your approval again.'),
      table([
        { title: 'Template', cell: (t) => `${t.templateId} v${t.version}` },
        { title: 'Content hash', cell: (t) => h('code', { title: t.hash }, `sha256:${t.hash.slice(0, 16)}…`) },
        { title: 'Allowed by', cell: (t) => (covering(t).length ? h('ul', {}, covering(t).map((r) => h('li', {}, h('code', { title: r }, r.length > 40 ? `${r.slice(0, 40)}…` : r)))) : badge('not allowed', 'warn')) },
        { title: 'Content approval', cell: (t) => (rules.includes(contentRule(t))
          ? h('button', { type: 'button', class: 'secondary', 'aria-label': `Revoke content approval of ${t.templateId} v${t.version}`, onclick: () => save(rules.filter((r) => r !== contentRule(t))) }, 'Revoke')
          : h('button', { type: 'button', 'aria-label': `Allow the content of ${t.templateId} v${t.version}`, onclick: () => save([...rules, contentRule(t)]) }, 'Allow this content')) },
      ], templates, { caption: 'Approved templates', empty: 'The regulator has approved no template yet.' }));
  }
  async function save(next) {
    try {
      rules = [...await api('/api/v1/data-use-rules', { method: 'PUT', body: { rules: next } })];
      msg.replaceChildren(h('p', { class: 'notice' }, 'Rules saved.'));
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
    drawRules();
    drawContent();
  }
  drawRules();
  drawContent();
  await drawLimits(limitsPanel);

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

function contentRule(t) {
  return `${t.purpose}/sha256:${t.hash}`;
}

// The hospital's own disclosure limits, applied by the enclave on top of every template's, and a form to replace them.
async function drawLimits(panel) {
  let limits = null;
  try {
    limits = await api('/api/v1/disclosure-limits');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  const msg = h('div', { 'aria-live': 'polite' });
  const field = (id, text, attrs) => h('label', { for: id }, text, h('input', { id, ...attrs }));
  const list = (names) => (names && names.length ? names.join(', ') : 'any');
  const form = h('form', { class: 'actions' },
    field('limit-k', 'Minimum group size k', { type: 'number', min: 2, max: 1000000, required: true, value: limits ? limits.minGroupSize : 10 }),
    field('limit-eps', 'Largest ε per query (empty: none)', { type: 'number', min: 0, step: 'any', value: limits && limits.maxEpsilonPerQuery != null ? limits.maxEpsilonPerQuery : '' }),
    field('limit-rows', 'Rows per patient', { type: 'number', min: 1, max: 1000, value: limits ? limits.maxRowsPerPatient : '' }),
    h('label', { for: 'limit-noise' }, h('input', { id: 'limit-noise', type: 'checkbox', checked: limits ? limits.noiseRequired : false }), ' Noise required'),
    field('limit-aggregates', 'Allowed aggregates (comma-separated, empty: any)', { type: 'text', value: limits ? limits.allowedAggregates.join(',') : '' }),
    field('limit-fields', 'Allowed fields (comma-separated, empty: any)', { type: 'text', value: limits ? limits.allowedFields.join(',') : '' }),
    h('button', { type: 'submit' }, 'Save limits'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = (id) => form.querySelector(`#${id}`).value.trim();
    const names = (id) => value(id).split(',').map((x) => x.trim()).filter(Boolean);
    try {
      await api('/api/v1/disclosure-limits', { method: 'PUT', body: {
        minGroupSize: Number(value('limit-k')),
        maxEpsilonPerQuery: value('limit-eps') === '' ? null : Number(value('limit-eps')),
        maxRowsPerPatient: value('limit-rows') === '' ? null : Number(value('limit-rows')),
        noiseRequired: form.querySelector('#limit-noise').checked,
        allowedAggregates: names('limit-aggregates'),
        allowedFields: names('limit-fields'),
      } });
      await drawLimits(panel);
      panel.querySelector('[aria-live]').replaceChildren(h('p', { class: 'notice' }, 'Limits saved (DISCLOSURE_LIMITS_CHANGED is on the ledger).'));
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
  });
  panel.replaceChildren(h('h3', { id: 'limits-title' }, 'Our disclosure limits'),
    h('p', { class: 'muted' }, 'The enclave applies the most restrictive limits of the hospitals whose records a query uses, on top of the template\'s.'),
    msg,
    limits
      ? h('dl', { class: 'kv', 'aria-label': 'Disclosure limits in force' },
        h('dt', {}, 'k'), h('dd', {}, String(limits.minGroupSize)),
        h('dt', {}, 'largest ε per query'), h('dd', {}, limits.maxEpsilonPerQuery == null ? 'no limit' : String(limits.maxEpsilonPerQuery)),
        h('dt', {}, 'rows per patient'), h('dd', {}, String(limits.maxRowsPerPatient)),
        h('dt', {}, 'noise'), h('dd', {}, limits.noiseRequired ? 'required' : 'not required'),
        h('dt', {}, 'aggregates'), h('dd', {}, list(limits.allowedAggregates)),
        h('dt', {}, 'fields'), h('dd', {}, list(limits.allowedFields)))
      : h('p', { class: 'empty' }, 'No limits of our own: queries follow their templates\' limits.'),
    form);
}
