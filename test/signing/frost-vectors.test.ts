// noble's FROST, as Rampart uses it through src/signing/frost/suites.ts, against the frost-rs test
// vectors in ../shared/vectors/frost (RFC 9591 Appendix E for ed25519 and secp256k1; the frost-rs
// Taproot variant for secp256k1-tr). Files are read in place, never copied into the repository.
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type {
  DKG_Round1,
  DKG_Round2,
  DKG_Secret,
  FrostPublic,
  FrostSecret,
} from '@noble/curves/abstract/frost.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import {
  bytesToBase64,
  bytesToHex,
  hexToBytes as hexToAnyBytes,
  InvalidInputError,
} from '../../src/core/index.ts';
import {
  type FrostSuite,
  getSuite,
  parseElement,
  SUITE_NAMES,
  type SuiteName,
  verifierPublicKey,
} from '../../src/signing/frost/index.ts';

const hexToBytes = (h: string): Uint8Array<ArrayBuffer> => Uint8Array.from(hexToAnyBytes(h));
const VECTORS = new URL('../../../shared/vectors/frost/', import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: JSON test vectors
type Json = any;
function load(suite: SuiteName, file: string): Json {
  return JSON.parse(readFileSync(new URL(`${suite}/${file}`, VECTORS), 'utf8'));
}

/** An RNG that hands out fixed byte strings in order (RFC 9591 Appendix E "randomness" inputs). */
function fixedRng(values: Uint8Array[]): (n?: number) => Uint8Array {
  let i = 0;
  return (n?: number) => {
    const v = values[i++];
    assert.ok(v, 'fixed RNG exhausted');
    if (n !== undefined) assert.equal(v.length, n);
    return v.slice();
  };
}

/** Verify with a standard, independent verifier: node:crypto for Ed25519, noble BIP340 for Taproot. */
function standardVerify(suite: FrostSuite, sig: Uint8Array, msg: Uint8Array, groupKey: Uint8Array): boolean {
  const pk = verifierPublicKey(suite, groupKey);
  if (suite.name === 'ed25519') {
    const key = createPublicKey({
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        x: bytesToBase64(pk).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
      },
      format: 'jwk',
    });
    return nodeVerify(null, msg, key, sig);
  }
  if (suite.name === 'secp256k1-tr') return schnorr.verify(sig, msg, pk);
  return suite.frost.verify(sig, msg, pk); // RFC 9591 secp256k1 signatures have no other standard verifier
}

for (const name of SUITE_NAMES) {
  const suite = getSuite(name);
  const { frost, Fn, Point } = suite;
  const id = (n: number) => frost.Identifier.fromNumber(n);

  describe(`FROST ${name}: signing vectors`, () => {
    for (const file of ['vectors.json', 'vectors-big-identifier.json']) {
      it(`${file}: dealer shares, nonces, commitments, signature shares and signature`, () => {
        const v = load(name, file);
        const signers = { min: Number(v.config.MIN_PARTICIPANTS), max: Number(v.config.MAX_PARTICIPANTS) };
        const msg = hexToBytes(v.inputs.message);

        // RFC 9591 Appendix C: the dealer's polynomial and its VSS commitment.
        const poly = frost.utils.generateSecretPolynomial(
          signers,
          hexToBytes(v.inputs.group_secret_key),
          v.inputs.share_polynomial_coefficients.map((c: string) => Fn.fromBytes(hexToBytes(c))),
        );
        assert.equal(bytesToHex(poly.commitment[0]!), v.inputs.verifying_key_key);
        const pub: FrostPublic = { signers, commitments: poly.commitment, verifyingShares: {} };
        const secrets: Record<string, FrostSecret> = {};
        for (const p of v.inputs.participant_shares) {
          const secret = { identifier: id(p.identifier), signingShare: hexToBytes(p.participant_share) };
          frost.validateSecret(secret, pub); // Appendix C.2 vss_verify
          secrets[secret.identifier] = secret;
          pub.verifyingShares[secret.identifier] = Uint8Array.from(
            Point.BASE.multiply(Fn.fromBytes(secret.signingShare)).toBytes(),
          );
        }
        assert.equal(Object.keys(secrets).length, v.inputs.participant_shares.length);
        const signing = v.inputs.participant_list.map((n: number) => secrets[id(n)]!);
        assert.equal(bytesToHex(frost.combineSecret(signing, signers)), v.inputs.group_secret_key);

        // Round one (RFC 9591 §5.1): nonces from the fixed randomness, and their commitments.
        const nonces: Record<string, { hiding: Uint8Array; binding: Uint8Array }> = {};
        const commitments = v.round_one_outputs.outputs.map((o: Json) => {
          const rng = fixedRng([
            hexToBytes(o.hiding_nonce_randomness),
            hexToBytes(o.binding_nonce_randomness),
          ]);
          const g = frost.commit(secrets[id(o.identifier)]!, rng);
          assert.equal(bytesToHex(g.nonces.hiding), o.hiding_nonce);
          assert.equal(bytesToHex(g.nonces.binding), o.binding_nonce);
          assert.equal(bytesToHex(g.commitments.hiding), o.hiding_nonce_commitment);
          assert.equal(bytesToHex(g.commitments.binding), o.binding_nonce_commitment);
          nonces[g.commitments.identifier] = g.nonces;
          return g.commitments;
        });

        // Round two (§5.2) and share verification (§5.4).
        const shares: Record<string, Uint8Array> = {};
        for (const o of v.round_two_outputs.outputs) {
          const i = id(o.identifier);
          const share = frost.signShare(secrets[i]!, pub, nonces[i]!, commitments, msg);
          assert.equal(bytesToHex(share), o.sig_share, `signature share of ${o.identifier}`);
          assert.ok(frost.verifyShare(pub, commitments, msg, i, share));
          shares[i] = share;
        }

        // Aggregate (§5.3): the vector's signature, valid for noble and for a standard verifier.
        const sig = frost.aggregate(pub, commitments, msg, shares);
        assert.equal(bytesToHex(sig), v.final_output.sig);
        assert.ok(frost.verify(sig, msg, pub.commitments[0]!));
        assert.ok(standardVerify(suite, sig, msg, pub.commitments[0]!));
        assert.ok(!standardVerify(suite, sig, Uint8Array.of(...msg, 0), pub.commitments[0]!));
      });
    }
  });

  describe(`FROST ${name}: vectors_dkg.json`, () => {
    const v = load(name, 'vectors_dkg.json');
    const signers = { min: v.config.MIN_PARTICIPANTS as number, max: v.config.MAX_PARTICIPANTS as number };
    const numbers = Array.from({ length: signers.max }, (_, k) => k + 1);
    const input = (n: number): Json => v.inputs[String(n)];
    const round1 = (n: number): DKG_Round1 => ({
      identifier: id(input(n).identifier),
      commitment: input(n).vss_commitments.map(hexToBytes),
      proofOfKnowledge: hexToBytes(input(n).proof_of_knowledge),
    });
    // The round-1 state of participant n with the vector's polynomial (signing_key + coefficient).
    const state = (n: number): DKG_Secret => {
      const poly = frost.utils.generateSecretPolynomial(signers, hexToBytes(input(n).signing_key), [
        Fn.fromBytes(hexToBytes(input(n).coefficient)),
      ]);
      assert.deepEqual(poly.commitment.map(bytesToHex), input(n).vss_commitments);
      return {
        identifier: Fn.fromBytes(hexToBytes(id(n))),
        coefficients: poly.coefficients,
        commitment: poly.commitment,
        signers,
        step: 1,
      };
    };

    it('reproduces every round-2 share, signing share, verifying share and the group key', () => {
      const states = new Map(numbers.map((n) => [n, state(n)]));
      const sent = new Map<number, Record<string, DKG_Round2>>();
      for (const n of numbers) {
        // noble validates each sender's proof of knowledge here (frost-rs part2).
        const out = frost.DKG.round2(states.get(n)!, numbers.filter((m) => m !== n).map(round1));
        for (const m of numbers.filter((k) => k !== n)) {
          // inputs[m].signing_shares[n] is what m received from n.
          assert.equal(bytesToHex(out[id(m)]!.signingShare), input(m).signing_shares[String(n)]);
        }
        sent.set(n, out);
      }
      const publics: FrostPublic[] = [];
      for (const n of numbers) {
        const others = numbers.filter((m) => m !== n);
        const key = frost.DKG.round3(
          states.get(n)!,
          others.map(round1),
          others.map((m) => sent.get(m)![id(n)]!),
        );
        assert.equal(bytesToHex(key.secret.signingShare), input(n).signing_share);
        assert.equal(bytesToHex(key.public.commitments[0]!), v.inputs.verifying_key);
        for (const m of numbers) {
          assert.equal(bytesToHex(key.public.verifyingShares[id(m)]!), input(m).verifying_share);
        }
        frost.validateSecret(key.secret, key.public);
        publics.push(key.public);
      }
      for (const p of publics.slice(1)) assert.deepEqual(p, publics[0]);
    });

    it('rejects a forged proof of knowledge and a share that does not match its commitment', () => {
      const forged = round1(2);
      forged.proofOfKnowledge = forged.proofOfKnowledge.slice();
      forged.proofOfKnowledge[forged.proofOfKnowledge.length - 1]! ^= 1;
      assert.throws(
        () => frost.DKG.round2(state(1), [forged, round1(3)]),
        /proof of knowledge|scalar|invalid/i,
      );

      const s1 = state(1);
      frost.DKG.round2(s1, [round1(2), round1(3)]);
      const bad = Fn.toBytes(Fn.add(Fn.fromBytes(hexToBytes(input(1).signing_shares['2'])), Fn.ONE));
      assert.throws(
        () =>
          frost.DKG.round3(
            s1,
            [round1(2), round1(3)],
            [
              { identifier: id(2), signingShare: bad },
              { identifier: id(3), signingShare: hexToBytes(input(1).signing_shares['3']) },
            ],
          ),
        /invalid secret share/,
      );
    });
  });

  describe(`FROST ${name}: elements.json and samples.json`, () => {
    const { elements } = load(name, 'elements.json');
    const invalid: Record<string, Uint8Array> = { ...mapHex(elements), ...extraInvalidElements(name) };
    // A valid signing package to substitute the invalid elements into.
    const deal = frost.trustedDealer({ min: 2, max: 3 });
    const ids = Object.keys(deal.secretShares).slice(0, 2);
    const msg = new TextEncoder().encode('rampart');
    const gens = ids.map((i) => frost.commit(deal.secretShares[i]!));
    const commitments = gens.map((g) => g.commitments);
    const shares = Object.fromEntries(
      ids.map((i, k) => [
        i,
        frost.signShare(deal.secretShares[i]!, deal.public, { ...gens[k]!.nonces }, commitments, msg),
      ]),
    );
    const sig = frost.aggregate(deal.public, commitments, msg, shares);

    for (const [label, bytes] of Object.entries(invalid)) {
      it(`rejects ${label} everywhere an element is read`, () => {
        assert.throws(() => parseElement(suite, bytes), InvalidInputError);
        // as a group public key
        assert.throws(() => frost.verify(sig, msg, bytes));
        // as a VSS commitment (Appendix C.2)
        const badPub = { ...deal.public, commitments: [deal.public.commitments[0]!, bytes] };
        assert.throws(() => frost.validateSecret(deal.secretShares[ids[0]!]!, badPub));
        // as a nonce commitment (§5.3, §5.4)
        const badCommitments = [{ ...commitments[0]!, hiding: bytes }, commitments[1]!];
        assert.throws(() => frost.verifyShare(deal.public, badCommitments, msg, ids[1]!, shares[ids[1]!]!));
        assert.throws(() => frost.aggregate(deal.public, badCommitments, msg, shares));
        // as a verifying share
        const badShares = {
          ...deal.public,
          verifyingShares: { ...deal.public.verifyingShares, [ids[0]!]: bytes },
        };
        assert.throws(() => frost.verifyShare(badShares, commitments, msg, ids[0]!, shares[ids[0]!]!));
        // as the R of a signature
        const badSig =
          name === 'secp256k1-tr'
            ? Uint8Array.of(...bytes.slice(1), ...sig.slice(32))
            : Uint8Array.of(...bytes, ...sig.slice(-32));
        assert.equal(
          safeVerify(() => frost.verify(badSig, msg, deal.public.commitments[0]!)),
          false,
        );
        // as a DKG round-1 commitment
        const r1 = ids.map((i) => frost.DKG.round1(i, { min: 2, max: 2 }));
        const tampered = { ...r1[1]!.public, commitment: [r1[1]!.public.commitment[0]!, bytes] };
        assert.throws(() => frost.DKG.round2(r1[0]!.secret, [tampered]));
      });
    }

    it('samples.json: identifier, element and scalar encodings', () => {
      const s = load(name, 'samples.json');
      assert.equal(id(42), s.identifier);
      assert.ok(parseElement(suite, hexToBytes(s.element1)).equals(Point.BASE));
      assert.ok(parseElement(suite, hexToBytes(s.element2)).equals(Point.BASE.add(Point.BASE)));
      const scalar = Fn.fromBytes(hexToBytes(s.scalar1));
      assert.equal(bytesToHex(Fn.toBytes(scalar)), s.scalar1);
      // A proof of knowledge is a signature: SerializeElement(R) || SerializeScalar(z) (x-only R for -tr).
      const r = name === 'secp256k1-tr' ? s.element1.slice(2) : s.element1;
      assert.equal(s.proof_of_knowledge, r + s.scalar1);
    });
  });
}

function mapHex(o: Record<string, string>): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`elements.json ${k}`, hexToBytes(v)]));
}

function safeVerify(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}

/** Encodings RFC 9591 §3.1 DeserializeElement must also refuse, beyond the file's. */
function extraInvalidElements(name: SuiteName): Record<string, Uint8Array> {
  const fill = (len: number, b: number) => new Uint8Array(len).fill(b);
  if (name === 'ed25519') {
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const order2 = fill(32, 0xff); // y = -1: the point of order 2
    order2[0] = 0xec;
    order2[31] = 0x7f;
    const nonCanonical = fill(32, 0xff); // y = p (not reduced)
    nonCanonical[0] = 0xed;
    nonCanonical[31] = 0x7f;
    return {
      'the identity': identity,
      'a point of small order': order2,
      'a non-canonical y (y = p)': nonCanonical,
    };
  }
  const xTooBig = fill(33, 0xff);
  xTooBig[0] = 0x02;
  const badPrefix = hexToBytes('0579be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
  return {
    'the identity (0x00)': Uint8Array.of(0),
    'an x not below p': xTooBig,
    'a bad prefix byte': badPrefix,
  };
}
