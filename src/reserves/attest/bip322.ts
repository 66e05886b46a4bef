/**
 * BIP-322 "simple" signatures (Generic Signed Message Format), verification only. Pure: no I/O, so
 * it runs in the CLI, the server and the browser alike.
 *
 * BIP-322 §Full defines two virtual transactions:
 *   to_spend: nVersion 0, nLockTime 0, one input spending 000…000:0xFFFFFFFF with nSequence 0 and
 *             scriptSig OP_0 PUSH32[message_hash], one output of 0 paying the address's scriptPubKey
 *             (message_challenge);
 *   to_sign:  nVersion 0, nLockTime 0, one input spending to_spend.txid:0 with nSequence 0 and the
 *             signature's witness, one output of 0 paying OP_RETURN.
 * message_hash = sha256_tag("BIP0322-signed-message", m) (BIP-340 tagged hash, m without a length
 * prefix). A simple signature (BIP-322 §Simple) is the to_sign witness stack, consensus encoded and
 * base64'd; the validator rebuilds both transactions and checks the witness as a script interpreter
 * would spend the output.
 *
 * We do not carry a script interpreter, so (BIP-322 §Verification step 2) we check only the scripts
 * we understand and answer `inconclusive` for the rest: P2WPKH (BIP-141/143, ECDSA, SIGHASH_ALL,
 * strict DER, low S) and P2TR key-path spends (BIP-341/340, Schnorr, SIGHASH_DEFAULT or SIGHASH_ALL,
 * no annex). The transactions are serialised with @scure/btc-signer's consensus coders and the BIP-143
 * and BIP-341 signature hashes come from its Transaction; the curve work is @noble/curves.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import {
  Address,
  NETWORK,
  OutScript,
  RawTx,
  RawWitness,
  SigHash,
  TEST_NETWORK,
  Transaction,
} from '@scure/btc-signer';
import { taprootTweakPrivKey } from '@scure/btc-signer/utils.js';
import { bytesToHex, concatBytes, equalBytes, hexToBytes, utf8 } from '../../core/index.ts';

export type BitcoinNetwork = 'mainnet' | 'testnet';

/** BIP-322 §Verification outputs three states; `reason` says which check decided. */
export type Bip322Result =
  | { state: 'valid'; type: 'p2wpkh' | 'p2tr' }
  | { state: 'invalid'; reason: string }
  | { state: 'inconclusive'; reason: string };

const TAG = 'BIP0322-signed-message';

/** sha256_tag(m) = SHA256(SHA256(tag) || SHA256(tag) || m) (BIP-340 §Design, tagged hashes). */
export function bip322MessageHash(message: string | Uint8Array): Uint8Array {
  const t = sha256(utf8(TAG));
  return sha256(concatBytes(t, t, typeof message === 'string' ? utf8(message) : message));
}

function doubleSha(b: Uint8Array): Uint8Array {
  return sha256(sha256(b));
}

/** Transaction id: double SHA-256 of the non-witness serialisation, shown byte-reversed. */
function txid(raw: Uint8Array): string {
  return bytesToHex(doubleSha(raw).reverse());
}

/** The scriptPubKey an address pays to; throws for an address that does not parse on `network`. */
export function scriptPubKeyOf(address: string, network: BitcoinNetwork): Uint8Array {
  const net = network === 'mainnet' ? NETWORK : TEST_NETWORK;
  return OutScript.encode(Address(net).decode(address));
}

/** to_spend (BIP-322 §Full), serialised without witness; its txid is what to_sign spends. */
export function toSpendTx(messageHash: Uint8Array, challenge: Uint8Array): Uint8Array {
  return RawTx.encode({
    version: 0,
    segwitFlag: false,
    inputs: [
      {
        txid: new Uint8Array(32),
        index: 0xffffffff,
        // OP_0 PUSH32[message_hash]
        finalScriptSig: concatBytes(new Uint8Array([0x00, 0x20]), messageHash),
        sequence: 0,
      },
    ],
    outputs: [{ amount: 0n, script: challenge }],
    lockTime: 0,
  });
}

export function toSpendTxid(message: string | Uint8Array, challenge: Uint8Array): string {
  return txid(toSpendTx(bip322MessageHash(message), challenge));
}

/** to_sign (BIP-322 §Full) as a btc-signer Transaction, ready for its signature hashes. */
function toSignTx(toSpendId: string): Transaction {
  const tx = new Transaction({
    version: 0,
    lockTime: 0,
    allowUnknownVersion: true,
    allowUnknownOutputs: true,
    allowUnknownInputs: true,
    disableScriptCheck: true,
  });
  tx.addInput({ txid: toSpendId, index: 0, sequence: 0 });
  tx.addOutput({ script: new Uint8Array([0x6a]), amount: 0n });
  return tx;
}

/**
 * The to_sign txid (BIP-322 test vectors list it). A txid excludes the witness (BIP-141), so it is
 * the same for every signature over this message and address.
 */
export function toSignTxid(message: string | Uint8Array, challenge: Uint8Array): string {
  const raw = RawTx.encode({
    version: 0,
    segwitFlag: false,
    // RawInput's txid coder takes the display order and reverses it on the wire
    inputs: [
      {
        txid: hexToBytes(toSpendTxid(message, challenge)),
        index: 0,
        finalScriptSig: new Uint8Array(),
        sequence: 0,
      },
    ],
    outputs: [{ amount: 0n, script: new Uint8Array([0x6a]) }],
    lockTime: 0,
  });
  return txid(raw);
}

/** Decode a simple signature: base64 of a consensus-encoded witness stack (BIP-322 §Simple). */
export function decodeSimpleSignature(signature: string): Uint8Array[] | undefined {
  let raw: Uint8Array;
  try {
    raw = base64.decode(signature.trim());
  } catch {
    return undefined;
  }
  try {
    return RawWitness.decode(raw);
  } catch {
    return undefined;
  }
}

/**
 * Verify a BIP-322 simple signature of `message` by `address`. Never throws for a bad signature:
 * the answer is one of BIP-322's three states.
 */
export function verifyBip322Simple(
  address: string,
  message: string | Uint8Array,
  signature: string,
  network: BitcoinNetwork = 'mainnet',
): Bip322Result {
  let challenge: Uint8Array;
  try {
    challenge = scriptPubKeyOf(address, network);
  } catch (e) {
    return { state: 'invalid', reason: `not a ${network} Bitcoin address: ${(e as Error).message}` };
  }
  const decoded = OutScript.decode(challenge);
  const witness = decodeSimpleSignature(signature);
  if (!witness)
    return { state: 'invalid', reason: 'the signature is not a base64 consensus-encoded witness stack' };
  const spendId = toSpendTxid(message, challenge);
  const tx = toSignTx(spendId);

  if (decoded.type === 'wpkh') {
    // BIP-141 P2WPKH: witness is exactly <signature> <pubkey>; HASH160(pubkey) must be the program.
    if (witness.length !== 2)
      return { state: 'invalid', reason: `P2WPKH needs 2 witness items, got ${witness.length}` };
    const [sigWithType, pubkey] = witness as [Uint8Array, Uint8Array];
    if (pubkey.length !== 33 || (pubkey[0] !== 2 && pubkey[0] !== 3))
      return {
        state: 'invalid',
        reason: 'P2WPKH public key must be 33-byte compressed (BIP-143 §Restrictions)',
      };
    if (!equalBytes(ripemd160(sha256(pubkey)), decoded.hash))
      return { state: 'invalid', reason: 'the public key does not hash to the address' };
    if (sigWithType.length < 9) return { state: 'invalid', reason: 'the signature is too short' };
    // BIP-322 §Verification 3.1: SIGHASH_ALL only.
    if (sigWithType[sigWithType.length - 1] !== SigHash.ALL)
      return { state: 'invalid', reason: 'the signature does not use SIGHASH_ALL' };
    const der = sigWithType.subarray(0, -1);
    // BIP-143: scriptCode of P2WPKH is the P2PKH script of the key hash; the spent amount is 0.
    const scriptCode = OutScript.encode({ type: 'pkh', hash: decoded.hash });
    const digest = tx.preimageWitnessV0(0, scriptCode, SigHash.ALL, 0n);
    let ok = false;
    try {
      // strict DER and LOW_S (BIP-322 §Verification 3.3); `digest` is already the double SHA-256
      ok = secp256k1.verify(der, digest, pubkey, { prehash: false, lowS: true, format: 'der' });
    } catch {
      ok = false;
    }
    return ok
      ? { state: 'valid', type: 'p2wpkh' }
      : { state: 'invalid', reason: 'the ECDSA signature does not verify' };
  }

  if (decoded.type === 'tr') {
    // BIP-341 key-path spend: the witness is one Schnorr signature (64 bytes: SIGHASH_DEFAULT,
    // 65 bytes: explicit hash type, which BIP-322 requires to be SIGHASH_ALL). Two items whose last
    // starts with 0x50 carry an annex; more items mean a script path, which we cannot run.
    if (witness.length !== 1)
      return witness.length === 0
        ? { state: 'invalid', reason: 'the witness is empty' }
        : { state: 'inconclusive', reason: 'a Taproot script-path or annex spend is not checked here' };
    const sig = witness[0]!;
    let hashType: number;
    if (sig.length === 64) hashType = SigHash.DEFAULT;
    else if (sig.length === 65 && sig[64] === SigHash.ALL) hashType = SigHash.ALL;
    else
      return {
        state: 'invalid',
        reason: 'a Taproot key-path signature must be 64 bytes, or 65 ending in SIGHASH_ALL',
      };
    const digest = tx.preimageWitnessV1(0, [challenge], hashType, [0n]);
    let ok = false;
    try {
      ok = schnorr.verify(sig.subarray(0, 64), digest, decoded.pubkey);
    } catch {
      ok = false;
    }
    return ok
      ? { state: 'valid', type: 'p2tr' }
      : { state: 'invalid', reason: 'the Schnorr signature does not verify' };
  }

  return {
    state: 'inconclusive',
    reason: `address type ${decoded.type} is not checked here (P2WPKH and P2TR key-path are)`,
  };
}

/**
 * Make a BIP-322 simple signature (BIP-322 §Signing) for a P2WPKH or single-key P2TR address: what
 * an exchange's signing tool does, kept here so tests and the demo sign exactly what is verified.
 * P2WPKH signs with SIGHASH_ALL (strict DER, low S); P2TR with SIGHASH_DEFAULT over the key tweaked
 * by BIP-341's taproot_tweak_seckey with no script tree.
 */
export function signBip322Simple(
  privateKey: Uint8Array,
  address: string,
  message: string | Uint8Array,
  network: BitcoinNetwork = 'mainnet',
): string {
  const challenge = scriptPubKeyOf(address, network);
  const decoded = OutScript.decode(challenge);
  const tx = toSignTx(toSpendTxid(message, challenge));
  if (decoded.type === 'wpkh') {
    const pubkey = secp256k1.getPublicKey(privateKey, true);
    if (!equalBytes(ripemd160(sha256(pubkey)), decoded.hash))
      throw new Error('the key does not own this address');
    const scriptCode = OutScript.encode({ type: 'pkh', hash: decoded.hash });
    const digest = tx.preimageWitnessV0(0, scriptCode, SigHash.ALL, 0n);
    const der = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: 'der' });
    return base64.encode(RawWitness.encode([concatBytes(der, new Uint8Array([SigHash.ALL])), pubkey]));
  }
  if (decoded.type === 'tr') {
    const tweaked = taprootTweakPrivKey(privateKey);
    if (!equalBytes(schnorr.getPublicKey(tweaked), decoded.pubkey))
      throw new Error('the key does not own this address');
    const digest = tx.preimageWitnessV1(0, [challenge], SigHash.DEFAULT, [0n]);
    return base64.encode(RawWitness.encode([schnorr.sign(digest, tweaked)]));
  }
  throw new Error(`cannot sign for a ${decoded.type} address`);
}
