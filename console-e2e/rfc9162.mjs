// A naive reference Merkle tree written straight from RFC 9162 §2.1 over the console's own hash functions, for
// the tests: tree hashes, inclusion paths and consistency subproofs of small trees.
import { hashLeaf, hashChildren } from '../service/src/main/resources/META-INF/resources/console/js/merkle.js';

export async function mth(leaves) { // RFC 9162 §2.1.1 Merkle Tree Hash over leaf hashes
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
}

export async function path(m, leaves) { // RFC 9162 §2.1.3.1 PATH(m, D[n])
  if (leaves.length === 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  if (m < k) return [...await path(m, leaves.slice(0, k)), await mth(leaves.slice(k))];
  return [...await path(m - k, leaves.slice(k)), await mth(leaves.slice(0, k))];
}

export async function subproof(m, leaves, b) { // RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b)
  const n = leaves.length;
  if (m === n) return b ? [] : [await mth(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m <= k) return [...await subproof(m, leaves.slice(0, k), b), await mth(leaves.slice(k))];
  return [...await subproof(m - k, leaves.slice(k), false), await mth(leaves.slice(0, k))];
}

export async function leaves(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await hashLeaf(new TextEncoder().encode(`entry ${i}`)));
  return out;
}
