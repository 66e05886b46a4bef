/**
 * Address normalisation and validation for the screening set. Pure logic.
 *
 * - EVM: `0x` + 40 hex digits. All-lower or all-upper case is accepted as is; mixed case MUST be a
 *   valid EIP-55 checksum (a mixed-case address with a wrong checksum is a typo, refused).
 *   Canonical form: lower case. Shown in EIP-55 form.
 * - Bitcoin mainnet: base58check P2PKH (version 0x00) and P2SH (0x05); segwit v0 in bech32
 *   (BIP 173, 20- or 32-byte program) and v1..16 in bech32m (BIP 350, 2..40 bytes; v1/32 = taproot).
 *   Mixed-case bech32 is refused (BIP 173). Canonical form: base58 as written, bech32 lower case.
 *
 * Each address also has a compact binary key (tag byte ‖ payload) that the fast table hashes and
 * compares: tag 0x01 EVM (20 bytes), 0x10 P2PKH, 0x11 P2SH (20-byte hash), 0x20+v segwit vN (program).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { base58check, bech32, bech32m } from '@scure/base';
import { getAddress } from 'viem';

export type AddressChain = 'ethereum' | 'bitcoin';
export type AddressKind = 'evm' | 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'segwit';

export interface ScreenAddress {
  chain: AddressChain;
  kind: AddressKind;
  /** The one form stored and compared. */
  canonical: string;
  /** The form shown to people (EIP-55 for EVM). */
  display: string;
  /** tag ‖ payload, at most 41 bytes. */
  key: Uint8Array;
}

export type AddressCheck = { ok: true; address: ScreenAddress } | { ok: false; reason: string };

const b58c = base58check(sha256);
const EVM_RE = /^0x[0-9a-fA-F]{40}$/;
const HEX = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[97 + i] = 10 + i;
    t[65 + i] = 10 + i;
  }
  return t;
})();

export const KEY_EVM = 0x01;
export const KEY_P2PKH = 0x10;
export const KEY_P2SH = 0x11;
export const KEY_SEGWIT = 0x20;
export const MAX_KEY_BYTES = 41;

/**
 * Fast path for an already canonical (lower- or upper-case) EVM address: writes tag ‖ 20 bytes into
 * `out` and returns 21, or -1 if `s` is not 0x + 40 hex. No checksum is involved (none to check).
 */
export function evmKeyInto(s: string, out: Uint8Array): number {
  if (s.length !== 42 || s.charCodeAt(0) !== 48 || (s.charCodeAt(1) | 32) !== 120) return -1;
  out[0] = KEY_EVM;
  for (let i = 0; i < 20; i++) {
    const a = s.charCodeAt(2 + 2 * i);
    const b = s.charCodeAt(3 + 2 * i);
    if ((a | b) > 127) return -1;
    const hi = HEX[a]!;
    const lo = HEX[b]!;
    if ((hi | lo) < 0) return -1;
    out[1 + i] = (hi << 4) | lo;
  }
  return 21;
}

function checkEvm(s: string): AddressCheck {
  if (!EVM_RE.test(s)) return { ok: false, reason: 'an EVM address is 0x followed by exactly 40 hex digits' };
  const body = s.slice(2);
  const lower = `0x${body.toLowerCase()}`;
  const checksummed = getAddress(lower);
  const mixed = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (mixed && checksummed !== s)
    return { ok: false, reason: `EIP-55 checksum does not match (expected ${checksummed})` };
  const key = new Uint8Array(21);
  evmKeyInto(lower, key);
  return {
    ok: true,
    address: { chain: 'ethereum', kind: 'evm', canonical: lower, display: checksummed, key },
  };
}

function checkBase58(s: string): AddressCheck {
  let payload: Uint8Array;
  try {
    payload = b58c.decode(s);
  } catch (e) {
    const m = (e as Error).message;
    return {
      ok: false,
      reason: /checksum/i.test(m)
        ? 'base58check checksum does not match (truncated or mistyped?)'
        : `not base58check: ${m}`,
    };
  }
  if (payload.length !== 21)
    return { ok: false, reason: `a base58 address holds 21 bytes, this one ${payload.length}` };
  const version = payload[0];
  if (version !== 0x00 && version !== 0x05)
    return {
      ok: false,
      reason: `base58 version byte 0x${version!.toString(16).padStart(2, '0')} is not Bitcoin mainnet P2PKH (0x00) or P2SH (0x05)`,
    };
  const key = new Uint8Array(21);
  key[0] = version === 0 ? KEY_P2PKH : KEY_P2SH;
  key.set(payload.subarray(1), 1);
  return {
    ok: true,
    address: { chain: 'bitcoin', kind: version === 0 ? 'p2pkh' : 'p2sh', canonical: s, display: s, key },
  };
}

function checkBech32(s: string): AddressCheck {
  if (s !== s.toLowerCase() && s !== s.toUpperCase())
    return { ok: false, reason: 'bech32 addresses must not mix upper and lower case (BIP 173)' };
  const lower = s.toLowerCase();
  if (!lower.startsWith('bc1'))
    return { ok: false, reason: 'only Bitcoin mainnet (bc1…) segwit addresses are accepted' };
  const v0 = bech32.decodeUnsafe(lower, 90);
  const vm = v0 ? undefined : bech32m.decodeUnsafe(lower, 90);
  const d = v0 ?? vm;
  if (!d) return { ok: false, reason: 'bech32/bech32m checksum does not match (truncated or mistyped?)' };
  const version = d.words[0];
  if (version === undefined || version > 16)
    return { ok: false, reason: 'segwit version missing or above 16' };
  if (v0 && version !== 0)
    return { ok: false, reason: `segwit v${version} must use bech32m (BIP 350), not bech32` };
  if (vm && version === 0) return { ok: false, reason: 'segwit v0 must use bech32 (BIP 173), not bech32m' };
  const program = bech32.fromWordsUnsafe(d.words.slice(1));
  if (!program) return { ok: false, reason: 'segwit program has invalid padding' };
  if (program.length < 2 || program.length > 40)
    return { ok: false, reason: `segwit program must be 2..40 bytes, this one ${program.length}` };
  if (version === 0 && program.length !== 20 && program.length !== 32)
    return { ok: false, reason: `segwit v0 program must be 20 or 32 bytes, this one ${program.length}` };
  if (version === 1 && program.length !== 32 && lower.startsWith('bc1p'))
    return { ok: false, reason: `taproot (v1) program must be 32 bytes, this one ${program.length}` };
  const kind: AddressKind =
    version === 0 ? (program.length === 20 ? 'p2wpkh' : 'p2wsh') : version === 1 ? 'p2tr' : 'segwit';
  const key = new Uint8Array(1 + program.length);
  key[0] = KEY_SEGWIT + version;
  key.set(program, 1);
  return { ok: true, address: { chain: 'bitcoin', kind, canonical: lower, display: lower, key } };
}

/** Validate and normalise one address; never throws. */
export function checkAddress(input: string): AddressCheck {
  const s = input.trim();
  if (s === '') return { ok: false, reason: 'empty' };
  if (s.length > 100) return { ok: false, reason: 'longer than any supported address' };
  if (/^0x/i.test(s)) return checkEvm(s);
  if (/^(bc|tb|bcrt)1/i.test(s)) return checkBech32(s);
  if (/^[13]/.test(s)) return checkBase58(s);
  return {
    ok: false,
    reason: 'not a supported address (EVM 0x…, Bitcoin 1…/3… base58check, bc1… bech32/bech32m)',
  };
}

/** The canonical string for a binary key (inverse of the key of `checkAddress`). */
export function canonicalFromKey(key: Uint8Array): string {
  const tag = key[0]!;
  const body = key.subarray(1);
  if (tag === KEY_EVM) {
    let s = '0x';
    for (const b of body) s += b.toString(16).padStart(2, '0');
    return s;
  }
  if (tag === KEY_P2PKH || tag === KEY_P2SH) {
    const p = new Uint8Array(21);
    p[0] = tag === KEY_P2PKH ? 0 : 5;
    p.set(body, 1);
    return b58c.encode(p);
  }
  const version = tag - KEY_SEGWIT;
  const words = [version, ...bech32.toWords(body)];
  return (version === 0 ? bech32 : bech32m).encode('bc', words, 90);
}
