// The console shell: login, who the caller is, the pages the caller's role may see, and hash routing.
import { completeLogin, login, logout, token, freshToken, forget } from './auth.js';
import { api } from './api.js';
import { h, errorBox } from './dom.js';
import { renderAudit } from './pages/audit.js';
import { renderEvent } from './pages/event.js';
import { renderApprovals } from './pages/approvals.js';
import { renderQueries } from './pages/queries.js';
import { renderDataUse } from './pages/data-use.js';
import { renderPayouts } from './pages/payouts.js';
import { renderBudgets } from './pages/budgets.js';
import { renderHealth } from './pages/health.js';
import { renderAccess } from './pages/access.js';
import { renderBreakGlass } from './pages/break-glass.js';
import { checkLedgerAgainstLastVisit, forkWarning } from './fork.js';

// One module per page; each page is offered only to the roles whose calls the API accepts.
const PAGES = [
  { path: 'audit', title: 'Audit trail', roles: ['regulator'], render: renderAudit },
  { path: 'event', title: 'Event', roles: ['regulator'], render: renderEvent, hidden: true },
  { path: 'approvals', title: 'Approvals', roles: ['regulator'], render: renderApprovals },
  { path: 'queries', title: 'My queries', roles: ['insurer'], render: renderQueries },
  { path: 'data-use', title: 'Data use & consent', roles: ['hospital'], render: renderDataUse },
  { path: 'access', title: 'Who opened our records', roles: ['hospital'], render: renderAccess },
  { path: 'break-glass', title: 'Emergency access', roles: ['regulator'], render: renderBreakGlass },
  { path: 'budgets', title: 'Privacy budgets', roles: ['hospital', 'insurer', 'regulator'], render: renderBudgets },
  { path: 'payouts', title: 'Payouts', roles: ['hospital', 'insurer', 'regulator'], render: renderPayouts },
  { path: 'health', title: 'Health', roles: ['hospital', 'insurer', 'regulator'], render: renderHealth },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const banner = document.getElementById('banner');
let me = null;

function pagesFor(roles) {
  return PAGES.filter((p) => p.roles.some((r) => roles.includes(r)));
}

function showLogin(message) {
  nav.replaceChildren();
  who.replaceChildren();
  main.replaceChildren(h('section', { class: 'login panel', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Sign in'),
    h('p', {}, 'Regulators, insurers and hospitals sign in with their MedShare identity (Keycloak).'),
    message ? errorBox(message) : null,
    h('p', {}, h('button', { id: 'login', type: 'button', onclick: () => login(location.hash).catch((e) => showLogin(e)) },
      'Sign in with Keycloak'))));
}

async function route() {
  if (!me) return;
  const hash = location.hash || '';
  const available = pagesFor(me.roles);
  const [, first = '', ...rest] = hash.replace(/^#/, '').split('/');
  const page = PAGES.find((p) => p.path === first);
  const current = first === 'event' ? 'audit' : first;
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.path === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!page) {
    location.replace('#/' + available.find((p) => !p.hidden).path);
    return;
  }
  document.title = `${page.title} · MedShare console`;
  if (!available.includes(page)) {
    main.replaceChildren(h('h2', {}, page.title), errorBox('Your role may not see this page.'));
    return;
  }
  const container = h('section', { 'aria-labelledby': 'page-title' });
  main.replaceChildren(container);
  try {
    await page.render(container, { me, args: rest.map(decodeURIComponent) });
  } catch (e) {
    if (e.status === 401) {
      forget();
      showLogin('Your session has ended. Please sign in again.');
      return;
    }
    container.append(errorBox(e));
  }
  main.focus({ preventScroll: true });
}

function username() {
  try {
    const payload = token().split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).preferred_username;
  } catch (e) {
    return null;
  }
}

async function start() {
  try {
    await completeLogin();
  } catch (e) {
    showLogin(e);
    return;
  }
  if (!await freshToken()) {
    showLogin(null);
    return;
  }
  try {
    me = await api('/api/v1/me');
  } catch (e) {
    forget();
    showLogin(e);
    return;
  }
  const roles = me.roles || [];
  if (!roles.length) {
    main.replaceChildren(errorBox('Your account has no MedShare role (hospital, insurer or regulator).'));
    return;
  }
  nav.replaceChildren(...pagesFor(roles).filter((p) => !p.hidden).map((p) => h('a', { href: '#/' + p.path, 'data-path': p.path }, p.title)));
  who.replaceChildren(
    h('span', { id: 'identity' }, `${username() || me.subject} · ${roles.join(', ')} · ${me.organisation}`),
    h('button', { type: 'button', onclick: () => logout() }, 'Sign out'));
  banner.replaceChildren();
  window.addEventListener('hashchange', route);
  if (roles.includes('regulator')) checkLedger();
  await route();
}

/** Regulators: the ledger shown now must extend the checkpoint this browser verified last (fork.js). */
async function checkLedger() {
  try {
    const warning = forkWarning(await checkLedgerAgainstLastVisit());
    if (warning) banner.replaceChildren(h('p', { class: 'fork-warning', role: 'alert', id: 'fork-warning' }, warning));
  } catch (e) {
    banner.replaceChildren(errorBox('The ledger could not be checked against the last visit: ' + e.message));
  }
}

start();
