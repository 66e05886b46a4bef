// Proactive share refresh (Herzberg et al. 1995, as in frost-rs keys::refresh) on noble's FROST.
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, it } from 'node:test';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToBase64, bytesToHex, InvalidInputError, VerificationError } from '../../src/core/index.ts';
import {
  type FrostSuite,
  getSuite,
  type Key,
  type RefreshRound1Package,
  type RefreshRound2Package,
  type RefreshSecret,
  refreshFinish,
  refreshRound1,
  refreshRound2,
  SUITE_NAMES,
  verifierPublicKey,
} from '../../src/signing/frost/index.ts';

const MSG = new TextEncoder().encode('withdraw 12 BTC to bc1q… (approved request 7f3a)');

function standardVerify(suite: FrostSuite, sig: Uint8Array, msg: Uint8Array, groupKey: Uint8Array): boolean {
  const pk = verifierPublicKey(suite, groupKey);
  if (suite.name === 'ed25519') {
    const x = bytesToBase64(pk).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    return nodeVerify(
      null,
      msg,
      createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }),
      sig,
    );
  }
  if (suite.name === 'secp256k1-tr') return schnorr.verify(sig, msg, pk);
  return suite.frost.verify(sig, msg, pk);
}

/** One FROST signing session (RFC 9591 §5) among `signers`, aggregated under `pub`. Throws if it fails. */
function sign(suite: FrostSuite, signers: Key[], pub: Key['public'], msg = MSG): Uint8Array {
  const { frost } = suite;
  const gens = signers.map((k) => frost.commit(k.secret));
  const commitments = gens.map((g) => g.commitments);
  const shares: Record<string, Uint8Array> = {};
  signers.forEach((k, i) => {
    shares[k.secret.identifier] = frost.signShare(k.secret, k.public, gens[i]!.nonces, commitments, msg);
  });
  return frost.aggregate(pub, commitments, msg, shares);
}

/** Keys from noble's trusted dealer (RFC 9591 Appendix C). */
function dealerKeys(suite: FrostSuite, min: number, max: number): Key[] {
  const deal = suite.frost.trustedDealer({ min, max });
  return Object.values(deal.secretShares).map((secret) => ({ public: deal.public, secret }));
}

/** Keys from noble's DKG (frost-rs round API); for secp256k1-tr these are Taproot-tweaked. */
function dkgKeys(suite: FrostSuite, min: number, max: number): Key[] {
  const { frost } = suite;
  const ids = Array.from({ length: max }, (_, i) => frost.Identifier.fromNumber(i + 1));
  const r1 = ids.map((id) => frost.DKG.round1(id, { min, max }));
  const r2 = r1.map((p, i) =>
    frost.DKG.round2(
      p.secret,
      r1.filter((_, j) => j !== i).map((q) => q.public),
    ),
  );
  return r1.map((p, i) =>
    frost.DKG.round3(
      p.secret,
      r1.filter((_, j) => j !== i).map((q) => q.public),
      r2.filter((_, j) => j !== i).map((out) => out[ids[i]!]!),
    ),
  );
}

/** Run the three refresh steps among `keys` (every holder takes part). */
function refreshAll(suite: FrostSuite, keys: Key[]): Key[] {
  const participants = keys.map((k) => k.secret.identifier);
  const r1 = keys.map((k) => refreshRound1(suite, k, participants));
  const r2 = r1.map((p, i) =>
    refreshRound2(
      suite,
      p.secret,
      r1.filter((_, j) => j !== i).map((q) => q.public),
    ),
  );
  return keys.map((k, i) =>
    refreshFinish(
      suite,
      r1[i]!.secret,
      k,
      r2.filter((_, j) => j !== i).map((out) => out[k.secret.identifier]!),
    ),
  );
}

/** Rounds 1 and 2 for everyone, leaving `finish` to the test. */
function refreshUpToFinish(
  suite: FrostSuite,
  keys: Key[],
): {
  secrets: RefreshSecret[];
  inbox: (i: number) => RefreshRound2Package[];
  round1: RefreshRound1Package[];
} {
  const participants = keys.map((k) => k.secret.identifier);
  const r1 = keys.map((k) => refreshRound1(suite, k, participants));
  const r2 = r1.map((p, i) =>
    refreshRound2(
      suite,
      p.secret,
      r1.filter((_, j) => j !== i).map((q) => q.public),
    ),
  );
  return {
    secrets: r1.map((p) => p.secret),
    round1: r1.map((p) => p.public),
    inbox: (i) => r2.filter((_, j) => j !== i).map((out) => out[keys[i]!.secret.identifier]!),
  };
}

const hex = (b: Uint8Array) => bytesToHex(b);

for (const name of SUITE_NAMES) {
  const suite = getSuite(name);
  const { frost } = suite;

  describe(`FROST ${name}: refresh`, () => {
    for (const [origin, make] of [
      ['trusted dealer', dealerKeys],
      ['DKG', dkgKeys],
    ] as const) {
      it(`${origin} 3-of-5: same group key, new shares, t refreshed shares sign`, () => {
        const old = make(suite, 3, 5);
        const fresh = refreshAll(suite, old);
        const groupKey = old[0]!.public.commitments[0]!;
        for (const [i, k] of fresh.entries()) {
          assert.equal(hex(k.public.commitments[0]!), hex(groupKey));
          assert.notEqual(hex(k.secret.signingShare), hex(old[i]!.secret.signingShare));
          assert.notEqual(
            hex(k.public.verifyingShares[k.secret.identifier]!),
            hex(old[i]!.public.verifyingShares[k.secret.identifier]!),
          );
          assert.deepEqual(k.public, fresh[0]!.public); // everyone computed the same public package
          frost.validateSecret(k.secret, k.public);
        }
        // The shared secret is unchanged: any t new shares interpolate to what t old ones did.
        const signers = { min: 3, max: 5 };
        assert.equal(
          hex(frost.combineSecret([fresh[4]!.secret, fresh[0]!.secret, fresh[2]!.secret], signers)),
          hex(
            frost.combineSecret(
              old.slice(0, 3).map((k) => k.secret),
              signers,
            ),
          ),
        );
        for (const subset of [fresh.slice(0, 3), [fresh[1]!, fresh[3]!, fresh[4]!], fresh]) {
          const sig = sign(suite, subset, fresh[0]!.public);
          assert.ok(frost.verify(sig, MSG, groupKey));
          assert.ok(standardVerify(suite, sig, MSG, groupKey));
        }
        // Refresh again: still the same key.
        const again = refreshAll(suite, fresh);
        const sig = sign(suite, again.slice(2), again[0]!.public);
        assert.ok(standardVerify(suite, sig, MSG, groupKey));
      });

      it(`${origin}: old and new shares mixed do not produce a valid signature`, () => {
        const old = make(suite, 3, 5);
        const fresh = refreshAll(suite, old);
        const signers = { min: 3, max: 5 };
        const mixed = [fresh[0]!, fresh[1]!, old[2]!];
        // Under the new public package the old share is caught as the cheater.
        assert.throws(
          () => sign(suite, mixed, fresh[0]!.public),
          (e: Error & { cheaters?: string[] }) => {
            assert.deepEqual(e.cheaters, [old[2]!.secret.identifier]);
            return true;
          },
        );
        // Under the old public package the new ones are.
        assert.throws(() => sign(suite, mixed, old[0]!.public), /aggregation failed/);
        // And the mixed shares do not even interpolate to the group secret.
        assert.notEqual(
          hex(
            frost.combineSecret(
              mixed.map((k) => k.secret),
              signers,
            ),
          ),
          hex(
            frost.combineSecret(
              fresh.slice(0, 3).map((k) => k.secret),
              signers,
            ),
          ),
        );
        // Old shares among themselves still interpolate the old polynomial: that is why they must be
        // destroyed after a refresh (the signer nodes' key store does that).
        assert.ok(
          standardVerify(
            suite,
            sign(suite, old.slice(0, 3), old[0]!.public),
            MSG,
            old[0]!.public.commitments[0]!,
          ),
        );
      });
    }

    it('a subset refresh drops the participants left out', () => {
      const old = dealerKeys(suite, 2, 4);
      const kept = old.slice(0, 3);
      const fresh = refreshAll(suite, kept);
      const dropped = old[3]!.secret.identifier;
      assert.ok(!(dropped in fresh[0]!.public.verifyingShares));
      assert.equal(Object.keys(fresh[0]!.public.verifyingShares).length, 3);
      assert.ok(
        standardVerify(
          suite,
          sign(suite, [fresh[0]!, fresh[2]!], fresh[0]!.public),
          MSG,
          fresh[0]!.public.commitments[0]!,
        ),
      );
      assert.throws(() => sign(suite, [fresh[1]!, old[3]!], fresh[0]!.public), /aggregation failed/);
    });

    it('rejects a share that does not match its commitment, naming the sender', () => {
      const keys = dealerKeys(suite, 3, 4);
      const { secrets, inbox } = refreshUpToFinish(suite, keys);
      const received = inbox(0);
      const bad = received[1]!;
      const tampered = {
        ...bad,
        signingShare: suite.Fn.toBytes(suite.Fn.add(suite.Fn.fromBytes(bad.signingShare), 1n)),
      };
      assert.throws(
        () => refreshFinish(suite, secrets[0]!, keys[0]!, [received[0]!, tampered, received[2]!]),
        (e: unknown) =>
          e instanceof VerificationError &&
          e.code === 'FROST_REFRESH_SHARE_INVALID' &&
          e.details?.['from'] === bad.identifier,
      );
    });

    it('rejects malformed round-1 packages and participant sets', () => {
      const keys = dealerKeys(suite, 3, 4);
      const ids = keys.map((k) => k.secret.identifier);
      const code = (c: string) => (e: unknown) => e instanceof InvalidInputError && e.code === c;
      const fresh = () => keys.map((k) => refreshRound1(suite, k, ids));
      let r1 = fresh();
      const others = r1.slice(1).map((p) => p.public);

      // Another group key.
      const other = dealerKeys(suite, 3, 4);
      const foreign = refreshRound1(
        suite,
        other[1]!,
        other.map((k) => k.secret.identifier),
      ).public;
      assert.throws(
        () => refreshRound2(suite, r1[0]!.secret, [{ ...foreign, identifier: ids[1]! }, ...others.slice(1)]),
        code('FROST_INVALID_PACKAGE'),
      );
      // A constant-term commitment smuggled in (wrong length).
      r1 = fresh();
      const long = { ...others[0]!, commitment: [suite.Point.BASE.toBytes(), ...others[0]!.commitment] };
      assert.throws(
        () => refreshRound2(suite, r1[0]!.secret, [long, ...others.slice(1)]),
        code('FROST_INVALID_PACKAGE'),
      );
      // An invalid element.
      const junk = {
        ...others[0]!,
        commitment: [new Uint8Array(others[0]!.commitment[0]!.length), ...others[0]!.commitment.slice(1)],
      };
      assert.throws(
        () => refreshRound2(suite, r1[0]!.secret, [junk, ...others.slice(1)]),
        code('FROST_INVALID_ELEMENT'),
      );
      // A missing participant, and one not in the set.
      assert.throws(
        () => refreshRound2(suite, r1[0]!.secret, others.slice(1)),
        code('FROST_INVALID_PACKAGE'),
      );
      // Round 2 twice.
      refreshRound2(suite, r1[0]!.secret, others);
      assert.throws(() => refreshRound2(suite, r1[0]!.secret, others), code('FROST_INVALID_PACKAGE'));
      // Participant sets: below the threshold, unknown identifier, duplicate, without ourselves.
      assert.throws(
        () => refreshRound1(suite, keys[0]!, ids.slice(0, 2)),
        code('FROST_INVALID_PARTICIPANTS'),
      );
      assert.throws(
        () => refreshRound1(suite, keys[0]!, [...ids.slice(0, 3), frost.Identifier.fromNumber(99)]),
        code('FROST_INVALID_PARTICIPANTS'),
      );
      assert.throws(
        () => refreshRound1(suite, keys[0]!, [...ids, ids[1]!]),
        code('FROST_INVALID_PARTICIPANTS'),
      );
      assert.throws(() => refreshRound1(suite, keys[0]!, ids.slice(1)), code('FROST_INVALID_PARTICIPANTS'));
      assert.throws(
        () => refreshRound1(suite, keys[0]!, [...ids.slice(0, 3), 'zz']),
        code('FROST_INVALID_IDENTIFIER'),
      );
    });

    it('finish refuses a state from another key and wipes its coefficients when done', () => {
      const keys = dealerKeys(suite, 2, 3);
      const { secrets, inbox } = refreshUpToFinish(suite, keys);
      const other = dealerKeys(suite, 2, 3);
      assert.throws(() => refreshFinish(suite, secrets[0]!, other[0]!, inbox(0)), /another key/);
      refreshFinish(suite, secrets[0]!, keys[0]!, inbox(0));
      assert.equal(secrets[0]!.coefficients.length, 0);
      assert.equal(secrets[0]!.step, 3);
      assert.throws(() => refreshFinish(suite, secrets[0]!, keys[0]!, inbox(0)), /after round 2/);
    });
  });
}
