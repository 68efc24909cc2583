// Payouts (every role; every organisation for a regulator): earnings over time, balances and every payment.
import { api } from '../api.js';
import { h, table, when, amount } from '../dom.js';
import { stepChart } from '../chart.js';
import { title } from './common.js';

export async function renderPayouts(root, { me }) {
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
