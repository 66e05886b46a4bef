/**
 * Private ceremony messages between nodes that travel through the coordinator (DKG round-2 shares,
 * refresh shares, repair deltas and sigmas). frost-rs and RFC 9591 require these to go over a
 * confidential, authenticated channel; the coordinator relays them but must not read or alter them.
 *
 * Layout (version 1), an ECIES-style box:
 *   context = RFC 8785 JSON of { ceremonyId, from, keyId, purpose, to }   (identifiers of sender/receiver)
 *   eph     = fresh X25519 key pair (RFC 7748) per message
 *   k       = HKDF-SHA256(ikm = X25519(eph, receiverBox), salt = ephPub ‖ receiverBox,
 *                         info = "rampart-signer-envelope/v1" ‖ context), 32 bytes  (RFC 5869)
 *   ct      = AES-256-GCM(k, nonce = 12 zero bytes, aad = context, plaintext)   (k is used once)
 *   sig     = Ed25519(sender signing key, "rampart-signer-envelope/v1\0" ‖ context ‖ ephPub ‖ ct)
 * The receiver checks the sender's signature with the sender's registered node key before it
 * decrypts. Pure apart from the OS random source and OpenSSL's AES-GCM.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import {
  bytesToHex,
  canonicalJsonBytes,
  concatBytes,
  hexToBytes,
  utf8,
  VerificationError,
} from '../../core/index.ts';

const LABEL = 'rampart-signer-envelope/v1';
const hex = (n?: number) =>
  z.string().regex(n === undefined ? /^([0-9a-f]{2})+$/ : new RegExp(`^[0-9a-f]{${2 * n}}$`));

export const envelopeSchema = z.strictObject({
  from: z.string().regex(/^[0-9a-f]{64}$/),
  to: z.string().regex(/^[0-9a-f]{64}$/),
  eph: hex(32),
  ct: hex(),
  sig: hex(64),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export interface EnvelopeContext {
  purpose: string;
  ceremonyId: string;
  keyId: string;
  /** FROST identifiers of sender and receiver. */
  from: string;
  to: string;
}

function contextBytes(c: EnvelopeContext): Uint8Array {
  return canonicalJsonBytes({
    ceremonyId: c.ceremonyId,
    from: c.from,
    keyId: c.keyId,
    purpose: c.purpose,
    to: c.to,
  });
}

function boxKey(shared: Uint8Array, ephPub: Uint8Array, receiverBox: Uint8Array, ctx: Uint8Array) {
  return hkdf(sha256, shared, concatBytes(ephPub, receiverBox), concatBytes(utf8(LABEL), ctx), 32);
}

function signedBytes(ctx: Uint8Array, ephPub: Uint8Array, ct: Uint8Array): Uint8Array {
  return concatBytes(utf8(`${LABEL}\0`), ctx, ephPub, ct);
}

/** Encrypts `plaintext` to the receiver's X25519 key and signs it with the sender's Ed25519 key. */
export function sealEnvelope(
  context: EnvelopeContext,
  plaintext: Uint8Array,
  receiverBoxPublic: Uint8Array,
  senderSigningKey: Uint8Array,
): Envelope {
  const ctx = contextBytes(context);
  const ephSecret = new Uint8Array(randomBytes(32));
  const ephPub = x25519.getPublicKey(ephSecret);
  const shared = x25519.getSharedSecret(ephSecret, receiverBoxPublic);
  const k = boxKey(shared, ephPub, receiverBoxPublic, ctx);
  const c = createCipheriv('aes-256-gcm', k, Buffer.alloc(12), { authTagLength: 16 });
  c.setAAD(ctx);
  const ct = concatBytes(c.update(plaintext), c.final(), c.getAuthTag());
  ephSecret.fill(0);
  shared.fill(0);
  k.fill(0);
  const sig = ed25519.sign(signedBytes(ctx, ephPub, ct), senderSigningKey);
  return {
    from: context.from,
    to: context.to,
    eph: bytesToHex(ephPub),
    ct: bytesToHex(ct),
    sig: bytesToHex(sig),
  };
}

/**
 * Checks the sender's signature, then decrypts. The caller owns (and zeroes) the result.
 * Refuses with SIGNER_ENVELOPE_INVALID when the context, signature or ciphertext do not match.
 */
export function openEnvelope(
  context: EnvelopeContext,
  envelope: Envelope,
  senderSigningPublic: Uint8Array,
  receiverBoxSecret: Uint8Array,
): Uint8Array {
  const bad = (why: string) =>
    new VerificationError('SIGNER_ENVELOPE_INVALID', `a private ceremony message was refused: ${why}`, {
      from: envelope.from,
      purpose: context.purpose,
    });
  if (envelope.from !== context.from || envelope.to !== context.to) throw bad('wrong sender or receiver');
  const ctx = contextBytes(context);
  const ephPub = hexToBytes(envelope.eph);
  const ct = hexToBytes(envelope.ct);
  let ok = false;
  try {
    ok = ed25519.verify(hexToBytes(envelope.sig), signedBytes(ctx, ephPub, ct), senderSigningPublic, {
      zip215: false,
    });
  } catch {
    ok = false;
  }
  if (!ok) throw bad('the sender signature does not verify');
  if (ct.length < 16) throw bad('ciphertext too short');
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(receiverBoxSecret, ephPub);
  } catch {
    throw bad('bad ephemeral key');
  }
  const receiverBox = x25519.getPublicKey(receiverBoxSecret);
  const k = boxKey(shared, ephPub, receiverBox, ctx);
  try {
    const d = createDecipheriv('aes-256-gcm', k, Buffer.alloc(12), { authTagLength: 16 });
    d.setAAD(ctx);
    d.setAuthTag(ct.subarray(ct.length - 16));
    return new Uint8Array(Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]));
  } catch {
    throw bad('decryption failed');
  } finally {
    shared.fill(0);
    k.fill(0);
  }
}
