// The last checkpoint this browser verified, kept in localStorage, and the check on every visit that the checkpoint
// the service shows now extends it (an RFC 9162 consistency proof verified here, not by the service). A split view,
// a rewritten log or a log that shrank is reported, and the kept checkpoint is never replaced by one that does not
// extend it.
import { api } from './api.js';
import { parseCheckpoint, verifyConsistency, fromBase64, equalBytes } from './merkle.js';

export const LAST_CHECKPOINT = 'medshare.lastVerifiedCheckpoint';

function b64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/**
 * Compares the service's latest checkpoint with the one kept in {@code storage}. Resolves to
 * { status, kept, seen }: 'first' (nothing was kept; now this one is), 'same', 'extended' (proved consistent; now
 * this one is kept), 'fork' (same size with another root, another origin, or no valid consistency proof) or 'shrunk'
 * (smaller than the kept one). kept and seen are { origin, size, root (base64), at }.
 */
export async function checkLedgerAgainstLastVisit(storage = localStorage, call = api, now = () => new Date()) {
  const cp = parseCheckpoint(await call('/api/v1/audit/checkpoint', { accept: 'text/plain' }));
  const seen = { origin: cp.origin, size: cp.size, root: b64(cp.rootHash), at: now().toISOString() };
  let kept = null;
  try {
    kept = JSON.parse(storage.getItem(LAST_CHECKPOINT));
  } catch (e) {
    kept = null;
  }
  const keep = (status) => {
    storage.setItem(LAST_CHECKPOINT, JSON.stringify(seen));
    return { status, kept, seen };
  };
  if (!kept || typeof kept.size !== 'number' || typeof kept.root !== 'string') return keep('first');
  if (kept.origin !== seen.origin) return { status: 'fork', kept, seen };
  if (seen.size < kept.size) return { status: 'shrunk', kept, seen };
  const keptRoot = fromBase64(kept.root);
  if (seen.size === kept.size) {
    return equalBytes(keptRoot, cp.rootHash) ? { status: 'same', kept, seen } : { status: 'fork', kept, seen };
  }
  if (kept.size === 0) return keep('extended');
  let proof;
  try {
    proof = await call(`/api/v1/audit/proofs/consistency?from=${kept.size}&to=${seen.size}`);
  } catch (e) {
    return { status: 'fork', kept, seen };
  }
  const hashes = (proof.proof || []).map(fromBase64);
  return await verifyConsistency(kept.size, seen.size, hashes, keptRoot, cp.rootHash)
    ? keep('extended')
    : { status: 'fork', kept, seen };
}

/** A one-line description of a failed check for the warning banner, or null when the check passed. */
export function forkWarning({ status, kept, seen }) {
  const was = kept ? `the checkpoint this browser verified on ${kept.at} (size ${kept.size}, root ${kept.root})` : '';
  if (status === 'fork') {
    return `LEDGER FORK: the service now shows size ${seen.size} with root ${seen.root}, which does not extend ${was}.`
      + ' The log was rewritten or this browser is shown a different log than others. Report it; the kept checkpoint'
      + ' is unchanged.';
  }
  if (status === 'shrunk') {
    return `LEDGER SHRANK: the service now shows size ${seen.size}, smaller than ${was}. Entries were removed. Report`
      + ' it; the kept checkpoint is unchanged.';
  }
  return null;
}
