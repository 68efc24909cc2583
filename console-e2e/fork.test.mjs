// The console's memory of the last checkpoint it verified (service/.../console/js/fork.js): a log that grows is
// proved consistent and kept; a split view, a rewritten log, another origin or a shrunk log is reported and the
// kept checkpoint stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mth, subproof, leaves } from './rfc9162.mjs';
import { checkLedgerAgainstLastVisit, forkWarning, LAST_CHECKPOINT }
  from '../service/src/main/resources/META-INF/resources/console/js/fork.js';

const b64 = (bytes) => Buffer.from(bytes).toString('base64');

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)) };
}

/** A service showing the first {@code size} entries of {@code log} (leaf hashes), as its checkpoint and proofs. */
function service(log, size, origin = 'medshare.example/ledger') {
  return async (path) => {
    const tree = log.slice(0, size);
    if (path === '/api/v1/audit/checkpoint') {
      return `${origin}\n${size}\n${b64(await mth(tree))}\n\n\u2014 ${origin} AAAAAAAAAA==\n`;
    }
    const m = /from=(\d+)&to=(\d+)/.exec(path);
    const proof = await subproof(Number(m[1]), log.slice(0, Number(m[2])), true);
    return { fromSize: Number(m[1]), toSize: Number(m[2]), proof: proof.map(b64) };
  };
}

test('a growing log is proved consistent with the last visit and kept', async () => {
  const log = await leaves(12);
  const storage = memoryStorage();
  assert.equal((await checkLedgerAgainstLastVisit(storage, service(log, 5))).status, 'first');
  assert.equal((await checkLedgerAgainstLastVisit(storage, service(log, 5))).status, 'same');
  const grown = await checkLedgerAgainstLastVisit(storage, service(log, 12));
  assert.equal(grown.status, 'extended');
  assert.equal(forkWarning(grown), null);
  assert.equal(JSON.parse(storage.getItem(LAST_CHECKPOINT)).size, 12);
});

test('a rewritten log, a split view, another origin and a shrunk log are reported and not kept', async () => {
  const log = await leaves(12);
  const rewritten = [...log];
  rewritten[2] = (await leaves(40))[39];
  const storage = memoryStorage();
  await checkLedgerAgainstLastVisit(storage, service(log, 8));
  const kept = storage.getItem(LAST_CHECKPOINT);

  const grownFromRewrite = await checkLedgerAgainstLastVisit(storage, service(rewritten, 12));
  assert.equal(grownFromRewrite.status, 'fork');
  assert.match(forkWarning(grownFromRewrite), /^LEDGER FORK: the service now shows size 12 /);
  const split = await checkLedgerAgainstLastVisit(storage, service(rewritten, 8));
  assert.equal(split.status, 'fork');
  assert.equal((await checkLedgerAgainstLastVisit(storage, service(log, 10, 'other.example/log'))).status, 'fork');
  const shrunk = await checkLedgerAgainstLastVisit(storage, service(log, 6));
  assert.equal(shrunk.status, 'shrunk');
  assert.match(forkWarning(shrunk), /^LEDGER SHRANK: the service now shows size 6, smaller than the checkpoint/);
  assert.equal(storage.getItem(LAST_CHECKPOINT), kept, 'the kept checkpoint never changes on a failed check');
  assert.equal((await checkLedgerAgainstLastVisit(storage, service(log, 12))).status, 'extended', 'the honest log');
});
