// Pieces several pages share: the page heading, a query status badge and the caller's queries.
import { api } from '../api.js';
import { h, badge } from '../dom.js';

export function title(text) {
  return h('h2', { id: 'page-title' }, text);
}

export function statusBadge(status) {
  const kind = { COMPLETED: 'ok', APPROVED: 'ok', SUBMITTED: 'warn', REFUSED: 'bad', FAILED: 'bad' }[status] || 'info';
  return badge(status, kind);
}

export async function queryList() {
  const all = [];
  for (let offset = 0; offset < 10000; offset += 1000) {
    const page = await api(`/api/v1/queries?offset=${offset}&limit=1000`);
    all.push(...page);
    if (page.length < 1000) break;
  }
  return all;
}
