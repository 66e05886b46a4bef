/**
 * Safe packed signatures, read the way `GnosisSafe.checkSignatures` reads them.
 *
 * The bytes are a static part of 65-byte units `r ‖ s ‖ v` (owners in strictly ascending order),
 * followed by the dynamic parts of contract signatures. Per unit, by `v`:
 *   v = 0        contract signature (EIP-1271): owner = low 20 bytes of r, s = offset of the
 *                dynamic part (32-byte length, then the bytes). Needs the contract's code to check;
 *                reported as `unverified` offline.
 *   v = 1        approved hash: owner = low 20 bytes of r; valid if that owner is the executor or
 *                has called approveHash(safeTxHash) — on-chain state, so `unverified` unless given.
 *   v > 30       eth_sign: ecrecover(keccak256("\x19Ethereum Signed Message:\n32" ‖ hash), v − 4, r, s)
 *   otherwise    ECDSA over the EIP-712 hash: ecrecover(hash, v, r, s) (v must be 27 or 28)
 * The contract checks only the first `threshold` units; any further units are reported as
 * `counted: false`.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { type Address, concat, getAddress, type Hex, hexToBytes, keccak256, toHex } from 'viem';
import { parseHexData } from './hex.ts';
import type { Confirmation } from './safe-tx.ts';

export type SignatureKind = 'ecdsa' | 'eth_sign' | 'approved_hash' | 'contract';

/**
 * valid        recovered (or, with state given, approved) to an owner, in order
 * not_owner    recovered to an address that is not an owner
 * invalid      cannot recover (bad v, r or s), or a malformed contract-signature pointer
 * unverified   approved hash or contract signature whose validity depends on chain state
 * out_of_order not strictly above the previous signer (the contract reverts; also catches duplicates)
 */
export type SignatureStatus = 'valid' | 'not_owner' | 'invalid' | 'unverified' | 'out_of_order';

export interface SafeSignature {
  index: number;
  kind: SignatureKind;
  v: number;
  r: Hex;
  s: Hex;
  /** recovered signer (ECDSA, eth_sign) or the owner named in r (approved hash, contract) */
  signer: Address | null;
  /** true when `signer` comes from ECDSA recovery, false when it is only named in the bytes */
  recovered: boolean;
  isOwner: boolean;
  status: SignatureStatus;
  /** within the first `threshold` units, i.e. checked by the contract */
  counted: boolean;
  /** the EIP-1271 signature bytes of a contract signature */
  contractSignature?: Hex;
  reason?: string;
}

export interface SignatureCheck {
  signatures: SafeSignature[];
  /** distinct owners whose signatures are valid */
  validOwners: Address[];
  /** owners with `unverified` signatures (approved hash / EIP-1271) */
  unverifiedOwners: Address[];
  /** enough `valid` signatures among the counted ones */
  thresholdMet: boolean;
  /** structural problems of the packed bytes */
  problems: string[];
}

export interface SignatureCheckInput {
  /** the safeTxHash the signatures must sign */
  hash: Hex;
  /** packed signature bytes */
  signatures: Hex;
  owners: readonly Address[];
  threshold: number;
  /** owners known to have approved `hash` on chain (approvedHashes), or the executor */
  approvedBy?: readonly Address[];
}

const SENTINEL = '0x0000000000000000000000000000000000000001';
const UNIT = 65;

/** ecrecover as the precompile does it: null where the precompile returns no address. */
export function ecrecover(hash: Hex, v: number, r: bigint, s: bigint): Address | null {
  if (v !== 27 && v !== 28) return null;
  try {
    const sig = new secp256k1.Signature(r, s).addRecoveryBit(v - 27);
    const pub = sig.recoverPublicKey(hexToBytes(hash)).toBytes(false);
    return getAddress(`0x${keccak256(pub.subarray(1)).slice(-40)}`);
  } catch {
    return null;
  }
}

/** keccak256("\x19Ethereum Signed Message:\n32" ‖ hash): what eth_sign signs for a 32-byte hash. */
export function ethSignHash(hash: Hex): Hex {
  return keccak256(concat([toHex('\x19Ethereum Signed Message:\n32'), hash]));
}

function word(bytes: Uint8Array, at: number): bigint {
  return BigInt(toHex(bytes.subarray(at, at + 32)));
}

function addressFromWord(w: bigint): Address {
  return getAddress(`0x${(w & ((1n << 160n) - 1n)).toString(16).padStart(40, '0')}`);
}

/** Splits and checks packed Safe signatures against a hash and an owner set. Never throws on content. */
export function checkSafeSignatures(input: SignatureCheckInput): SignatureCheck {
  const hash = parseHexData(input.hash, 'hash', { bytes: 32 });
  const bytes = hexToBytes(parseHexData(input.signatures, 'signatures'));
  const owners = new Set(input.owners.map((o) => o.toLowerCase()));
  const approved = new Set((input.approvedBy ?? []).map((o) => o.toLowerCase()));
  const problems: string[] = [];

  // The static part ends where the first dynamic part (of a contract signature) begins.
  let staticEnd = bytes.length;
  const out: SafeSignature[] = [];
  let last = 0n;
  for (let i = 0; UNIT * (i + 1) <= staticEnd; i++) {
    const at = UNIT * i;
    const rw = word(bytes, at);
    const sw = word(bytes, at + 32);
    const v = bytes[at + 64]!;
    const sig: SafeSignature = {
      index: i,
      kind: 'ecdsa',
      v,
      r: toHex(bytes.subarray(at, at + 32)),
      s: toHex(bytes.subarray(at + 32, at + 64)),
      signer: null,
      recovered: false,
      isOwner: false,
      status: 'invalid',
      counted: i < input.threshold,
    };
    if (v === 0) {
      sig.kind = 'contract';
      sig.signer = addressFromWord(rw);
      const off = sw;
      if (off < BigInt(input.threshold * UNIT) || off + 32n > BigInt(bytes.length)) {
        sig.reason = 'contract signature offset points inside the static part or past the end';
      } else {
        const o = Number(off);
        const len = word(bytes, o);
        if (BigInt(o) + 32n + len > BigInt(bytes.length)) {
          sig.reason = 'contract signature data runs past the end';
        } else {
          sig.contractSignature = toHex(bytes.subarray(o + 32, o + 32 + Number(len)));
          sig.status = 'unverified';
          sig.reason = 'EIP-1271 signature: needs the signing contract to verify';
          staticEnd = Math.min(staticEnd, o);
        }
      }
    } else if (v === 1) {
      sig.kind = 'approved_hash';
      sig.signer = addressFromWord(rw);
      if (approved.has(sig.signer.toLowerCase())) sig.status = 'valid';
      else {
        sig.status = 'unverified';
        sig.reason = 'approved hash: valid only if this owner executes or has called approveHash on chain';
      }
    } else if (v > 30) {
      sig.kind = 'eth_sign';
      sig.signer = ecrecover(ethSignHash(hash), v - 4, rw, sw);
      sig.recovered = sig.signer !== null;
    } else {
      sig.signer = ecrecover(hash, v, rw, sw);
      sig.recovered = sig.signer !== null;
    }

    if (sig.signer !== null) {
      const lower = sig.signer.toLowerCase();
      sig.isOwner = owners.has(lower) && lower !== SENTINEL;
      if (sig.kind === 'ecdsa' || sig.kind === 'eth_sign') sig.status = sig.isOwner ? 'valid' : 'not_owner';
      else if (!sig.isOwner && sig.status !== 'invalid') sig.status = 'not_owner';
      const n = BigInt(lower);
      if (sig.counted && (sig.status === 'valid' || sig.status === 'unverified')) {
        if (n <= last) {
          sig.status = 'out_of_order';
          sig.reason = 'signers must be in strictly ascending order (duplicate or unsorted)';
        }
      }
      if (sig.counted) last = n > last ? n : last;
    } else if (sig.kind === 'ecdsa' || sig.kind === 'eth_sign') {
      sig.reason = 'no address recovers from these r, s, v';
    }
    out.push(sig);
  }

  if (bytes.length < input.threshold * UNIT) {
    problems.push(
      `signatures are ${bytes.length} bytes; the threshold of ${input.threshold} needs at least ${input.threshold * UNIT}`,
    );
  }
  if (staticEnd === bytes.length && bytes.length % UNIT !== 0) {
    problems.push(`signatures are ${bytes.length} bytes, not a multiple of 65`);
  }

  const uniq = (xs: SafeSignature[]) => [...new Set(xs.map((s) => s.signer!))];
  const counted = out.filter((s) => s.counted);
  const validOwners = uniq(out.filter((s) => s.status === 'valid'));
  return {
    signatures: out,
    validOwners,
    unverifiedOwners: uniq(out.filter((s) => s.status === 'unverified' && s.isOwner)),
    thresholdMet: counted.length >= input.threshold && counted.every((s) => s.status === 'valid'),
    problems,
  };
}

/**
 * Packs Transaction Service confirmations into execTransaction's signature bytes: 65-byte units
 * sorted by owner ascending. Confirmations that are not 65 bytes (contract signatures with
 * dynamic parts) are returned in `skipped`.
 */
export function packConfirmations(confirmations: readonly Confirmation[]): {
  signatures: Hex;
  skipped: Confirmation[];
} {
  const ok = confirmations.filter((c) => c.signature.length === 2 + 2 * UNIT);
  const skipped = confirmations.filter((c) => c.signature.length !== 2 + 2 * UNIT);
  ok.sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : BigInt(a.owner) > BigInt(b.owner) ? 1 : 0));
  return { signatures: ok.length === 0 ? '0x' : concat(ok.map((c) => c.signature)), skipped };
}
