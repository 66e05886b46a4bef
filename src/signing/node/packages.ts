/**
 * FROST public packages and commitments on the wire and on disk: bytes as lower-case hex, checked
 * with zod on the way in (then by noble and parseElement when used). One encoding, shared by the
 * node and the coordinator.
 */
import { z } from 'zod';
import { bytesToHex, hexToBytes } from '../../core/index.ts';
import type { FrostPublic, NonceCommitments } from '../frost/index.ts';

export const hexBytes = z.string().regex(/^([0-9a-f]{2})+$/, 'expected lower-case hex bytes');
export const identifierSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 32-byte hex identifier');

export const publicPackageSchema = z.strictObject({
  signers: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) }),
  commitments: z.array(hexBytes).min(1),
  verifyingShares: z.record(identifierSchema, hexBytes),
});
export type PublicPackageJson = z.infer<typeof publicPackageSchema>;

export const commitmentSchema = z.strictObject({
  identifier: identifierSchema,
  hiding: hexBytes,
  binding: hexBytes,
});
export type CommitmentJson = z.infer<typeof commitmentSchema>;

export function publicToJson(p: FrostPublic): PublicPackageJson {
  return {
    signers: { min: p.signers.min, max: p.signers.max },
    commitments: p.commitments.map((c) => bytesToHex(c)),
    verifyingShares: Object.fromEntries(
      Object.entries(p.verifyingShares).map(([id, v]) => [id, bytesToHex(v)]),
    ),
  };
}

export function publicFromJson(p: PublicPackageJson): FrostPublic {
  return {
    signers: { min: p.signers.min, max: p.signers.max },
    commitments: p.commitments.map((c) => Uint8Array.from(hexToBytes(c))),
    verifyingShares: Object.fromEntries(
      Object.entries(p.verifyingShares).map(([id, v]) => [id, Uint8Array.from(hexToBytes(v))]),
    ),
  } as FrostPublic;
}

export function commitmentToJson(c: NonceCommitments): CommitmentJson {
  return { identifier: c.identifier, hiding: bytesToHex(c.hiding), binding: bytesToHex(c.binding) };
}

export function commitmentFromJson(c: CommitmentJson): NonceCommitments {
  return {
    identifier: c.identifier,
    hiding: Uint8Array.from(hexToBytes(c.hiding)),
    binding: Uint8Array.from(hexToBytes(c.binding)),
  } as NonceCommitments;
}
