// The regulator's review queue of emergency ("break-glass") record releases: who opened whose record, with the
// clinician's written reason; marking one reviewed keeps who reviewed it and the note.
import { api } from '../api.js';
import { h, table, badge, errorBox, when } from '../dom.js';
import { title } from './common.js';

export async function renderBreakGlass(root) {
  root.append(title('Emergency access review'),
    h('p', { class: 'muted' }, 'Records released for emergency treatment (ETREAT) without a consent that permits it. Each is an ACCESS and a BREAK_GLASS event on the ledger and waits here until reviewed.'));
  const msg = h('div', { 'aria-live': 'polite' });
  const panel = h('section', { class: 'panel' });
  root.append(msg, panel);
  const cases = await api('/api/v1/break-glass?state=all&limit=500');
  panel.append(table([
    { title: 'When', cell: (c) => when(Date.parse(c.accessedAt)) },
    { title: 'Record', cell: (c) => [h('span', { class: 'mono' }, c.recordId), ' of ', c.owner] },
    { title: 'Clinician', cell: (c) => h('span', { class: 'mono' }, c.clinician) },
    { title: 'Reason', cell: (c) => c.reason },
    { title: 'Ledger entry', num: true, cell: (c) => h('a', { href: `#/event/${c.ledgerIndex}` }, String(c.ledgerIndex)) },
    { title: 'Review', cell: (c) => (c.reviewedBy ? [badge('reviewed', 'ok'), ` by ${c.reviewedBy}`, c.reviewNote ? `: ${c.reviewNote}` : ''] : reviewButton(c, msg)) },
  ], cases, { caption: 'Emergency releases', empty: 'No emergency release so far.' }));
}

function reviewButton(c, msg) {
  const b = h('button', { type: 'button', 'aria-label': `Mark emergency release ${c.ledgerIndex} reviewed` }, 'Mark reviewed');
  b.addEventListener('click', async () => {
    const note = prompt(`Note on the emergency release of ${c.recordId} to ${c.clinician} (optional)`, '');
    if (note === null) return;
    try {
      const answer = await api(`/api/v1/break-glass/${c.ledgerIndex}/review`, { method: 'POST', body: { note: note || null } });
      b.replaceWith(badge('reviewed', 'ok'));
      msg.replaceChildren(h('p', { class: 'notice' }, answer.changed ? `Release ${c.ledgerIndex} marked reviewed.`
        : `Release ${c.ledgerIndex} had been reviewed already.`));
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
  });
  return b;
}
