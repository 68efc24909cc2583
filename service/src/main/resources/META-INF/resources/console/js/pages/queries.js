// My queries (insurer): the organisation's queries, their status and enclave-signed results.
import { h, table, when } from '../dom.js';
import { title, statusBadge, queryList } from './common.js';

export async function renderQueries(root) {
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

// The API serves the result as a JSON object, its groups keyed by organisation id.
function pretty(result) {
  return JSON.stringify(result, null, 2);
}
