// Platform health (every role): ledger members, storage nodes, checkpoint anchoring, the simulated enclaves and the
// organisations suspended now.
import { api } from '../api.js';
import { h, table, badge, when } from '../dom.js';
import { fromBase64, toHex } from '../merkle.js';
import { title } from './common.js';

function anchorPanel(a, regulator) {
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'anchor-title' },
    h('h3', { id: 'anchor-title' }, 'Checkpoint anchoring (external EVM chain)'));
  if (!a.enabled) {
    panel.append(h('p', { class: 'empty' }, 'Off: no chain is configured (medshare.anchor.rpc-url).'));
    return panel;
  }
  const l = a.last;
  const state = a.consecutiveFailures === 0 ? badge('ok', 'ok')
    : [badge(`${a.consecutiveFailures} failed attempts`, 'bad'), ` ${a.lastError} Next attempt ${when(Date.parse(a.nextAttemptAt))}.`];
  panel.append(h('dl', { class: 'kv' },
    h('dt', {}, 'State'), h('dd', { id: 'anchor-state' }, state),
    h('dt', {}, 'Chain id'), h('dd', {}, a.chainId === null ? 'not reached yet' : String(a.chainId)),
    h('dt', {}, 'Contract'), h('dd', { class: 'mono' }, a.contract || 'not deployed yet'),
    h('dt', {}, 'Anchoring account'), h('dd', { class: 'mono' }, a.account),
    h('dt', {}, 'Policy'), h('dd', {}, `every ${a.everyEntries} entries, or every ${a.everySeconds} s with new entries`),
    h('dt', {}, 'Last anchor'), h('dd', { id: 'last-anchor' }, l
      ? [`size ${l.size}, root ${l.root.slice(0, 24)}… in block ${l.blockNumber}, ${when(Date.parse(l.at))}; ledger entry `,
        regulator ? h('a', { href: `#/event/${l.ledgerIndex}` }, String(l.ledgerIndex)) : String(l.ledgerIndex)]
      : 'none yet'),
    h('dt', {}, 'Transaction'), h('dd', { class: 'mono', id: 'last-anchor-tx' }, l ? l.txHash : '—'),
    h('dt', {}, 'Entries not yet anchored'), h('dd', {}, badge(String(a.pendingEntries), a.pendingEntries < a.everyEntries ? 'ok' : 'warn'))));
  return panel;
}

export async function renderHealth(root, { me }) {
  root.append(title('Platform health'));
  const p = await api('/api/v1/health/platform');
  const e = p.enclave;
  root.append(h('p', { class: 'simulated', id: 'enclave-mode', role: 'note' },
    `Enclave mode: ${e.mode}. `, h('span', { class: 'plain' }, e.note)));

  const l = p.ledger;
  const ledger = h('section', { class: 'panel', 'aria-labelledby': 'ledger-title' }, h('h3', { id: 'ledger-title' }, 'Ledger'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Hash suite'), h('dd', {}, l.suite === 'gm' ? 'gm (SM3, SM2)' : 'nist (SHA-256, Ed25519)'),
      h('dt', {}, 'Origin'), h('dd', { class: 'mono' }, l.origin),
      h('dt', {}, 'Entries'), h('dd', {}, String(l.size)),
      h('dt', {}, 'Latest checkpoint'), h('dd', {}, l.checkpoint ? `size ${l.checkpoint.size}, root ${toHex(fromBase64(l.checkpoint.rootHash)).slice(0, 24)}…` : 'none signed yet'),
      h('dt', {}, 'Replication'), h('dd', {}, l.replication)),
    h('h3', {}, 'Members'),
    table([
      { title: 'Member (key name)', cell: (m) => h('span', { class: 'mono' }, m.name) },
      { title: 'Role', cell: (m) => badge(m.role, m.role === 'leader' ? 'info' : m.role === 'absent' ? 'warn' : 'ok') },
      { title: 'Last cosigned checkpoint', num: true, cell: (m) => String(m.lastCosignedSize) },
      { title: 'Lag (entries)', num: true, cell: (m) => badge(String(m.lag), m.lag === 0 ? 'ok' : 'warn') },
    ], l.members, { caption: 'Ledger members', empty: 'No member has signed a checkpoint yet.' }));

  const s = p.store;
  const scrub = s.lastScrub;
  const store = h('section', { class: 'panel', 'aria-labelledby': 'store-title' }, h('h3', { id: 'store-title' }, 'Storage nodes'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Erasure code'), h('dd', {}, `RS(${s.k},${s.n}): any ${s.k} of ${s.n} shards rebuild a stripe`),
      h('dt', {}, 'Placement'), h('dd', {}, `at most ${s.maxShardsPerOrganisation} shards of a stripe at one organisation`),
      h('dt', {}, 'Repair queue'), h('dd', {}, badge(`${s.repairQueue} records`, s.repairQueue === 0 ? 'ok' : 'warn')),
      h('dt', {}, 'Last scrub'), h('dd', {}, scrub
        ? (scrub.failure ? [badge('failed', 'bad'), ` ${when(Date.parse(scrub.finishedAt))}: ${scrub.failure}`]
          : `${when(Date.parse(scrub.finishedAt))}: ${scrub.shardsChecked} shards checked, ${scrub.corrupt} corrupt, ${scrub.missing} missing, ${scrub.shardsRebuilt} rebuilt, ${scrub.unrecoverable} unrecoverable`)
        : 'not yet run since the service started')),
    table([
      { title: 'Organisation', cell: (o) => o.organisation },
      { title: 'Nodes', cell: (o) => h('span', { class: 'mono' }, o.nodes.join(', ')) },
      { title: 'Shards', num: true, cell: (o) => String(o.shards) },
      { title: 'Bytes', num: true, cell: (o) => String(o.bytes) },
    ], s.organisations, { caption: 'Storage by organisation', empty: 'No storage node is configured.' }),
    table([
      { title: 'Node', cell: (n) => h('span', { class: 'mono' }, n.id) },
      { title: 'Organisation', cell: (n) => n.organisation },
      { title: 'Backend', cell: (n) => h('span', { class: 'mono' }, n.backend === 'local' ? 'local' : `${n.backend} ${n.location}`) },
      { title: 'Weight', num: true, cell: (n) => String(n.weight) },
      { title: 'State', cell: (n) => badge(n.up ? 'up' : 'down', n.up ? 'ok' : 'bad') },
      { title: 'Consecutive failures', num: true, cell: (n) => String(n.consecutiveFailures) },
      { title: 'Shards', num: true, cell: (n) => String(n.shards) },
      { title: 'Bytes', num: true, cell: (n) => String(n.bytes) },
    ], s.nodes, { caption: 'Storage nodes', empty: 'No storage node is configured.' }));

  const enclave = h('section', { class: 'panel', 'aria-labelledby': 'enclave-title' }, h('h3', { id: 'enclave-title' }, 'Enclaves'),
    e.started ? table([
      { title: 'Enclave', cell: (x) => x.role },
      { title: 'Mode', cell: () => badge(e.mode, 'warn') },
      { title: 'Measurement (MRENCLAVE)', cell: (x) => h('span', { class: 'mono' }, x.measurement) },
      { title: 'Signer (MRSIGNER)', cell: (x) => h('span', { class: 'mono' }, x.signer) },
      { title: 'Product / SVN', cell: (x) => `${x.productId} / ${x.svn}${x.debug ? ' (debug)' : ''}` },
      { title: 'Process', num: true, cell: (x) => (x.pid == null ? '—' : String(x.pid)) },
    ], e.enclaves, { caption: 'Enclaves' }) : h('p', { class: 'empty' }, 'The enclaves are not running: they start with the service, or on first use if they could not.'));
  root.append(h('div', { class: 'grid2' }, ledger, store), anchorPanel(p.anchor, me.roles.includes('regulator')), enclave,
    await blackListPanel(me.roles.includes('regulator')));
}

/** The black list: organisations suspended now, each with its reason and the ledger entry that decided it. */
async function blackListPanel(regulator) {
  const suspended = await api('/api/v1/suspensions');
  return h('section', { class: 'panel', 'aria-labelledby': 'suspensions-title' },
    h('h3', { id: 'suspensions-title' }, 'Suspended organisations (black list)'),
    table([
      { title: 'Organisation', cell: (s) => s.organisation },
      { title: 'Reason', cell: (s) => badge(s.reason, 'bad') },
      { title: 'Since', cell: (s) => when(Date.parse(s.since)) },
      { title: 'Ledger entry', num: true,
        cell: (s) => (regulator ? h('a', { href: `#/event/${s.ledgerIndex}` }, String(s.ledgerIndex)) : String(s.ledgerIndex)) },
    ], suspended, { caption: 'Suspended organisations', empty: 'No organisation is suspended.' }));
}
