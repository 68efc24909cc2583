// Privacy budgets (every role): an insurer's own, a hospital's dataset per period, every one for the regulator;
// a warning when one is nearly exhausted, and the hospital's own warning threshold.
import { api } from '../api.js';
import { h, table, badge, errorBox, when } from '../dom.js';
import { title } from './common.js';

export async function renderBudgets(root, { me }) {
  const hospital = me.roles.includes('hospital');
  root.append(title('Privacy budgets'),
    h('p', { class: 'muted' }, 'The differential-privacy ε each budget allows, what the approved queries spent of it and what is left. '
      + 'A hospital dataset\'s budget per period is shared by every insurer; each charge is a ledger entry.'));
  const warnings = h('div', { 'aria-live': 'polite' });
  const listPanel = h('section', { class: 'panel', 'aria-labelledby': 'budgets-title' });
  root.append(warnings, listPanel);
  const msg = h('div', { 'aria-live': 'polite' });
  const budgets = await api('/api/v1/budgets');
  if (hospital) {
    const own = budgets.find((b) => b.kind === 'hospital');
    root.append(h('section', { class: 'panel', 'aria-labelledby': 'warn-title' }, h('h3', { id: 'warn-title' }, 'Warning threshold'), msg,
      warnForm(own ? own.warnAtPercent : 80)));
  }

  function draw(budgets) {
    const nearly = budgets.filter((b) => b.nearlyExhausted);
    warnings.replaceChildren(...nearly.map((b) => h('p', { class: 'error', role: 'alert' },
      `${b.remaining <= 0 ? 'Exhausted' : 'Nearly exhausted'}: ${label(b)} has spent ${b.spent} of ${b.limit} ε `
        + `(warning at ${b.warnAtPercent}%); ${b.remaining} ε left.`)));
    listPanel.replaceChildren(h('h3', { id: 'budgets-title' }, 'Budgets, in ε'), table([
      { title: 'Budget', cell: (b) => label(b) },
      { title: 'Period ends', cell: (b) => (b.periodEnd ? when(Date.parse(b.periodEnd)) : 'never') },
      { title: 'Limit', num: true, cell: (b) => String(b.limit) },
      { title: 'Spent', num: true, cell: (b) => String(b.spent) },
      { title: 'Left', num: true, cell: (b) => String(b.remaining) },
      { title: 'State', cell: (b) => (b.nearlyExhausted ? badge(`nearly exhausted (≥ ${b.warnAtPercent}%)`, 'bad') : badge('ok', 'ok')) },
      { title: 'Queries', cell: (b) => (b.queries.length ? h('details', {}, h('summary', {}, b.queries.length === 1 ? '1 charge' : `${b.queries.length} charges`),
        h('ul', {}, b.queries.map((q) => h('li', {}, h('span', { class: 'mono' }, q.queryId), ` ε ${q.epsilon}`,
          q.chargedEntry == null ? '' : `, ledger entry ${q.chargedEntry}`, q.refunded ? ', refunded' : ''))))
        : '—') },
    ], budgets, { caption: 'Budgets', empty: 'No budget to show yet.' }));
  }

  function warnForm(current) {
    const input = h('input', { id: 'warn-at', type: 'number', min: 1, max: 100, step: 1, required: true, value: current });
    const form = h('form', { class: 'actions' },
      h('label', { for: 'warn-at' }, 'Warn when this share of our dataset\'s budget is spent (%)', input),
      h('button', { type: 'submit' }, 'Save threshold'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const saved = await api('/api/v1/budgets/warning', { method: 'PUT', body: { warnAtPercent: Number(input.value) } });
        msg.replaceChildren(h('p', { class: 'notice' }, `Warning threshold saved: ${saved.warnAtPercent}%.`));
        draw(await api('/api/v1/budgets'));
      } catch (e) {
        msg.replaceChildren(errorBox(e));
      }
    });
    return form;
  }

  draw(budgets);
}

function label(b) {
  return b.kind === 'insurer' ? `insurer ${b.organisation}` : `${b.organisation}, ${b.period}`;
}
