/**
 * Taproot keys for a FROST group (suite `secp256k1-tr`), key-path only (BIP86: no script tree).
 *
 * BIP341 §"Constructing and spending Taproot outputs": the output key is Q = P + t·G with
 * t = int(hash_TapTweak(x(P))) for an empty script tree, where P is the internal key lifted to
 * even Y. A key-path signature must verify under Q, so FROST has to sign with the tweaked key.
 *
 * How noble's `schnorr_FROST` (2.4.0) handles this, checked in test/signing/bitcoin-taproot.test.ts:
 * - DKG outputs are already tweaked with the empty merkle root (frost-rs compatibility): the group
 *   key a DKG returns IS the output key Q, and the untweaked internal key P is not kept. So a DKG key
 *   is used with `outputKeyScript` (its x-only key goes straight into `OP_1 <32 bytes>`).
 * - trusted-dealer outputs are NOT tweaked; `tweakDealerKeys` applies the BIP86 tweak to every
 *   package, the same way noble's DKG does (even-Y normalisation, then +t on the signing shares and
 *   +t·G on the group key and every verifying share — valid because Lagrange coefficients sum to 1).
 *   Then `taprootKeyPath(P)` (built by @scure/btc-signer's `p2tr`) gives the same Q.
 * Scalar and point arithmetic is noble's (Fn, Point); nothing is hand-rolled.
 */
import type { FrostPublic, FrostSecret } from '@noble/curves/abstract/frost.js';
import { schnorr, schnorr_FROST, secp256k1 } from '@noble/curves/secp256k1.js';
import { Address, OutScript, p2tr } from '@scure/btc-signer';
import { bytesToHex } from '../../core/index.ts';
import { bitcoinInput, errorText } from './errors.ts';
import { bitcoinNetwork } from './network.ts';

const Point = secp256k1.Point;
const Fn = schnorr_FROST.utils.Fn;

export interface TaprootOutput {
  /** x-only output key Q (32 bytes): what `OP_1 <Q>` commits to and signatures verify under */
  outputKey: Uint8Array;
  /** x-only internal key P, when known (dealer keys; a DKG key's P is not kept by noble) */
  internalKey: Uint8Array | null;
  /** scriptPubKey: OP_1 OP_PUSHBYTES_32 <Q> */
  script: Uint8Array;
  /** bech32m address (BIP350) on the network */
  address: string;
}

/** 32-byte x-only form of a 33-byte compressed or 32-byte x-only key, checked on the curve. */
export function xOnlyKey(key: Uint8Array, what = 'key'): Uint8Array {
  try {
    if (key.length === 32) {
      schnorr.utils.lift_x(BigInt(`0x${bytesToHex(key)}`));
      return Uint8Array.from(key);
    }
    if (key.length === 33) return Point.fromBytes(key).toBytes(true).slice(1);
  } catch (e) {
    throw bitcoinInput('BTC_KEY_INVALID', `${what} is not a point on secp256k1`, { reason: errorText(e) });
  }
  throw bitcoinInput('BTC_KEY_INVALID', `${what} must be 32 (x-only) or 33 (compressed) bytes`, {
    length: key.length,
  });
}

/** BIP86 key-path output for an untweaked internal key (btc-signer's `p2tr`, no script tree). */
export function taprootKeyPath(internalKey: Uint8Array, networkName: string): TaprootOutput {
  const network = bitcoinNetwork(networkName);
  const p = xOnlyKey(internalKey, 'internal key');
  const out = p2tr(p, undefined, network);
  return { outputKey: out.tweakedPubkey, internalKey: p, script: out.script, address: out.address };
}

/** The output for a key that is already the Taproot output key (a `secp256k1-tr` DKG group key). */
export function outputKeyScript(outputKey: Uint8Array, networkName: string): TaprootOutput {
  const network = bitcoinNetwork(networkName);
  const q = xOnlyKey(outputKey, 'output key');
  return {
    outputKey: q,
    internalKey: null,
    script: OutScript.encode({ type: 'tr', pubkey: q }),
    address: Address(network).encode({ type: 'tr', pubkey: q }),
  };
}

/** The x-only output key a P2TR scriptPubKey commits to; null for any other script. */
export function taprootOutputKeyOf(script: Uint8Array): Uint8Array | null {
  try {
    const d = OutScript.decode(script);
    return d.type === 'tr' ? Uint8Array.from(d.pubkey) : null;
  } catch {
    return null;
  }
}

/** t = int(hash_TapTweak(x(P))) for an empty script tree (BIP341 taproot_tweak_pubkey, h = empty). */
function tapTweakScalar(xP: Uint8Array): bigint {
  const t = BigInt(`0x${bytesToHex(schnorr.utils.taggedHash('TapTweak', xP))}`);
  // BIP341: "if t >= SECP256K1_ORDER: raise ValueError" — never reduce.
  if (!Fn.isValid(t) || t === 0n) throw bitcoinInput('BTC_KEY_INVALID', 'TapTweak hash out of range');
  return t;
}

const isOddY = (p: InstanceType<typeof Point>) => (p.toAffine().y & 1n) === 1n;

/**
 * The BIP86 tweak applied to trusted-dealer FROST packages (suite `secp256k1-tr`): returns the
 * public package and secret shares that sign under Q. Do not apply it to DKG keys (already tweaked).
 */
export function tweakDealerKeys(
  pub: FrostPublic,
  secrets: readonly FrostSecret[],
): { public: FrostPublic; secrets: FrostSecret[]; internalKey: Uint8Array } {
  const [c0] = pub.commitments;
  if (!c0) throw bitcoinInput('BTC_KEY_INVALID', 'the public key package has no group commitment');
  const P = Point.fromBytes(c0);
  const odd = isOddY(P);
  const even = (q: InstanceType<typeof Point>) => (odd ? q.negate() : q);
  const Peven = even(P);
  const internalKey = Peven.toBytes(true).slice(1);
  const t = tapTweakScalar(internalKey);
  const tG = Point.BASE.multiply(t);
  const commitments = pub.commitments.map((c, i) => {
    const q = even(Point.fromBytes(c));
    return (i === 0 ? q.add(tG) : q).toBytes(true);
  });
  const verifyingShares: Record<string, Uint8Array> = {};
  for (const [id, v] of Object.entries(pub.verifyingShares))
    verifyingShares[id] = even(Point.fromBytes(v)).add(tG).toBytes(true);
  const tweakedSecrets = secrets.map((s) => {
    const share = Fn.fromBytes(s.signingShare);
    return {
      identifier: s.identifier,
      signingShare: Fn.toBytes(Fn.add(odd ? Fn.neg(share) : share, t)),
    } as FrostSecret;
  });
  return {
    public: { signers: { ...pub.signers }, commitments, verifyingShares } as FrostPublic,
    secrets: tweakedSecrets,
    internalKey,
  };
}
