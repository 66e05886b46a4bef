/**
 * Roots and proofs over stored nodes, each with exactly one batched read (see plan.ts).
 * `read` returns the hashes of the given node ids in the same order; it is not called when a
 * plan needs no nodes (the empty tree, a one-leaf tree, size1 = size2).
 */

import type { NodeId } from './layout.ts';
import {
  assembleConsistency,
  assembleInclusion,
  assembleRoot,
  planConsistency,
  planInclusion,
  planRoot,
} from './plan.ts';

export type ReadNodes = (ids: NodeId[]) => Promise<Uint8Array[]>;
export type ReadNodesSync = (ids: NodeId[]) => Uint8Array[];

/** MTH(D[0:size]) (RFC 6962 §2.1). */
export async function treeRoot(size: number, read: ReadNodes): Promise<Uint8Array> {
  const plan = planRoot(size);
  return assembleRoot(plan, plan.ids.length === 0 ? [] : await read(plan.ids));
}

/** PATH(index, D[size]) (RFC 6962 §2.1.1, RFC 9162 §2.1.3.1). */
export async function inclusionProof(index: number, size: number, read: ReadNodes): Promise<Uint8Array[]> {
  const plan = planInclusion(index, size);
  return assembleInclusion(plan, plan.ids.length === 0 ? [] : await read(plan.ids));
}

/** PROOF(size1, D[size2]) (RFC 6962 §2.1.2, RFC 9162 §2.1.4.1); requires 0 < size1 ≤ size2. */
export async function consistencyProof(size1: number, size2: number, read: ReadNodes): Promise<Uint8Array[]> {
  const plan = planConsistency(size1, size2);
  return assembleConsistency(plan, plan.ids.length === 0 ? [] : await read(plan.ids));
}

export function treeRootSync(size: number, read: ReadNodesSync): Uint8Array {
  const plan = planRoot(size);
  return assembleRoot(plan, plan.ids.length === 0 ? [] : read(plan.ids));
}

export function inclusionProofSync(index: number, size: number, read: ReadNodesSync): Uint8Array[] {
  const plan = planInclusion(index, size);
  return assembleInclusion(plan, plan.ids.length === 0 ? [] : read(plan.ids));
}

export function consistencyProofSync(size1: number, size2: number, read: ReadNodesSync): Uint8Array[] {
  const plan = planConsistency(size1, size2);
  return assembleConsistency(plan, plan.ids.length === 0 ? [] : read(plan.ids));
}
