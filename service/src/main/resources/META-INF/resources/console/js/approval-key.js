// The regulator's approval key in this browser: the non-extractable WebCrypto key approval.js imported and its
// SPKI, kept in IndexedDB under the signed-in user's subject, so that later visits sign without the file. The
// browser stores the key object itself; nothing here, nor any script of this origin, can read its private half.
import { keyIdOf } from './approval.js';

const DATABASE = 'medshare.console';
const STORE = 'approval-keys';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The key kept for {@code owner}, or null. */
export async function loadApprovalKey(owner) {
  const kept = await withStore('readonly', (s) => s.get(owner));
  if (!kept || !(kept.privateKey instanceof CryptoKey) || kept.privateKey.extractable || !(kept.spki instanceof Uint8Array)) {
    return null;
  }
  return { privateKey: kept.privateKey, spki: kept.spki, keyId: await keyIdOf(kept.spki) };
}

/** Keeps {@code key} for {@code owner}; refuses a key that could be exported. */
export async function saveApprovalKey(owner, key) {
  if (key.privateKey.extractable) throw new Error('an approval key is kept only when it cannot be exported');
  await withStore('readwrite', (s) => s.put({ privateKey: key.privateKey, spki: key.spki }, owner));
}

/** Deletes the key kept for {@code owner}. */
export async function forgetApprovalKey(owner) {
  await withStore('readwrite', (s) => s.delete(owner));
}
