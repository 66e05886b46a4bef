// Share repair with the repairable threshold scheme (Laing & Stinson; frost-rs keys::repairable):
// repair-share.json from ../shared/vectors/frost, then whole repairs on noble's FROST keys.
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { schnorr } from '@noble/curves/secp256k1.js';
import {
  bytesToBase64,
  bytesToHex,
  hexToBytes,
  InvalidInputError,
  VerificationError,
} from '../../src/core/index.ts';
import {
  type FrostSuite,
  getSuite,
  type Identifier,
  type Key,
  refreshFinish,
  refreshRound1,
  refreshRound2,
  repairStep1,
  repairStep2,
  repairStep3,
  SUITE_NAMES,
  type SuiteName,
  verifierPublicKey,
} from '../../src/signing/frost/index.ts';

const VECTORS = new URL('../../../shared/vectors/frost/', import.meta.url);
function load(suite: SuiteName, file: string): Record<string, Record<string, string>> {
  return JSON.parse(readFileSync(new URL(`${suite}/${file}`, VECTORS), 'utf8'));
}
const MSG = new TextEncoder().encode('sweep cold wallet 3 to the new vault (approved request 51c0)');

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

function sign(suite: FrostSuite, signers: Key[], pub: Key['public']): Uint8Array {
  const { frost } = suite;
  const gens = signers.map((k) => frost.commit(k.secret));
  const commitments = gens.map((g) => g.commitments);
  const shares: Record<string, Uint8Array> = {};
  signers.forEach((k, i) => {
    shares[k.secret.identifier] = frost.signShare(k.secret, k.public, gens[i]!.nonces, commitments, MSG);
  });
  return frost.aggregate(pub, commitments, MSG, shares);
}

function dealerKeys(suite: FrostSuite, min: number, max: number): Key[] {
  const deal = suite.frost.trustedDealer({ min, max });
  return Object.values(deal.secretShares).map((secret) => ({ public: deal.public, secret }));
}

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

/** The three RTS steps: `helpers` help the holder of `lost` (who keeps only the public package). */
function repair(suite: FrostSuite, helpers: Key[], lost: Identifier, pub: Key['public']): Key {
  const ids = helpers.map((k) => k.secret.identifier);
  const deltas = helpers.map((k) => repairStep1(suite, k, ids, lost)); // helper i -> { j: delta_ij }
  const sigmas = ids.map((j) =>
    repairStep2(
      suite,
      deltas.map((d) => d[j]!),
    ),
  );
  return repairStep3(suite, sigmas, lost, pub);
}

for (const name of SUITE_NAMES) {
  const suite = getSuite(name);
  const { frost, Fn, Point } = suite;

  describe(`FROST ${name}: repair`, () => {
    it('repair-share.json: step 2 sums the deltas, step 3 sums the sigmas', () => {
      const v = load(name, 'repair-share.json');
      const g = v['scalar_generation']!;
      const sigma = repairStep2(
        suite,
        ['random_scalar_1', 'random_scalar_2', 'random_scalar_3'].map((k) => hexToBytes(g[k]!)),
      );
      assert.equal(bytesToHex(sigma), g['random_scalar_sum']);

      const s = v['sigma_generation']!;
      const sigmas = ['sigma_1', 'sigma_2', 'sigma_3', 'sigma_4'].map((k) => hexToBytes(s[k]!));
      // frost-rs repairs identifier 2 against a dummy public package; ours checks the result against
      // the verifying share, so give identifier 2 the one that matches sigma_sum.
      const id2 = frost.Identifier.fromNumber(2);
      const deal = frost.trustedDealer({ min: 2, max: 3 });
      const expected = Point.BASE.multiply(Fn.fromBytes(hexToBytes(s['sigma_sum']!))).toBytes();
      const pub = {
        ...deal.public,
        verifyingShares: { ...deal.public.verifyingShares, [id2]: Uint8Array.from(expected) },
      };
      const repaired = repairStep3(suite, sigmas, id2, pub);
      assert.equal(bytesToHex(repaired.secret.signingShare), s['sigma_sum']);
      assert.equal(repaired.secret.identifier, id2);
      // Against the dealer's real verifying share for 2, the same sigmas are refused.
      assert.throws(
        () => repairStep3(suite, sigmas, id2, deal.public),
        (e: unknown) => e instanceof VerificationError && e.code === 'FROST_REPAIR_MISMATCH',
      );
    });

    for (const [origin, make] of [
      ['trusted dealer', dealerKeys],
      ['DKG', dkgKeys],
    ] as const) {
      it(`${origin} 3-of-5: t helpers and more than t rebuild the lost share, which signs`, () => {
        const keys = make(suite, 3, 5);
        const lost = keys[1]!;
        for (const helpers of [
          [keys[0]!, keys[2]!, keys[4]!],
          [keys[4]!, keys[3]!, keys[2]!, keys[0]!],
        ]) {
          const repaired = repair(suite, helpers, lost.secret.identifier, lost.public);
          assert.equal(bytesToHex(repaired.secret.signingShare), bytesToHex(lost.secret.signingShare));
          frost.validateSecret(repaired.secret, repaired.public);
          const sig = sign(suite, [repaired, keys[3]!, keys[0]!], keys[0]!.public);
          assert.ok(standardVerify(suite, sig, MSG, keys[0]!.public.commitments[0]!));
        }
      });
    }

    it('no delta or sigma equals a helper share or the repaired share', () => {
      const keys = dealerKeys(suite, 3, 5);
      const helpers = [keys[0]!, keys[2]!, keys[3]!];
      const ids = helpers.map((k) => k.secret.identifier);
      const lost = keys[4]!.secret.identifier;
      const deltas = helpers.map((k) => repairStep1(suite, k, ids, lost));
      const sigmas = ids.map((j) =>
        repairStep2(
          suite,
          deltas.map((d) => d[j]!),
        ),
      );
      const secrets = new Set(keys.map((k) => bytesToHex(k.secret.signingShare)));
      for (const d of deltas) for (const x of Object.values(d)) assert.ok(!secrets.has(bytesToHex(x)));
      for (const s of sigmas) assert.ok(!secrets.has(bytesToHex(s)));
      assert.equal(
        bytesToHex(repairStep3(suite, sigmas, lost, keys[0]!.public).secret.signingShare),
        bytesToHex(keys[4]!.secret.signingShare),
      );
    });

    it('repairs a share after a refresh, against the refreshed public package', () => {
      const old = dkgKeys(suite, 2, 3);
      const ids = old.map((k) => k.secret.identifier);
      const r1 = old.map((k) => refreshRound1(suite, k, ids));
      const r2 = r1.map((p, i) =>
        refreshRound2(
          suite,
          p.secret,
          r1.filter((_, j) => j !== i).map((q) => q.public),
        ),
      );
      const fresh = old.map((k, i) =>
        refreshFinish(
          suite,
          r1[i]!.secret,
          k,
          r2.filter((_, j) => j !== i).map((o) => o[k.secret.identifier]!),
        ),
      );
      const repaired = repair(suite, [fresh[0]!, fresh[2]!], ids[1]!, fresh[0]!.public);
      assert.equal(bytesToHex(repaired.secret.signingShare), bytesToHex(fresh[1]!.secret.signingShare));
      // Old helpers cannot repair against the refreshed package.
      assert.throws(() => repair(suite, [old[0]!, old[2]!], ids[1]!, fresh[0]!.public), VerificationError);
    });

    it('refuses a tampered sigma, disagreeing helper sets, and bad participant sets', () => {
      const keys = dealerKeys(suite, 3, 5);
      const [a, , c, d, e] = keys as [Key, Key, Key, Key, Key];
      const lost = keys[1]!.secret.identifier;
      const ids = [a, c, d].map((k) => k.secret.identifier);
      const mismatch = (x: unknown) => x instanceof VerificationError && x.code === 'FROST_REPAIR_MISMATCH';
      const invalid = (x: unknown) =>
        x instanceof InvalidInputError && x.code === 'FROST_INVALID_PARTICIPANTS';

      const deltas = [a, c, d].map((k) => repairStep1(suite, k, ids, lost));
      const sigmas = ids.map((j) =>
        repairStep2(
          suite,
          deltas.map((m) => m[j]!),
        ),
      );
      const tampered: Uint8Array[] = [...sigmas];
      tampered[1] = Fn.toBytes(Fn.add(Fn.fromBytes(sigmas[1]!), 1n));
      assert.throws(() => repairStep3(suite, tampered, lost, a.public), mismatch);
      assert.throws(() => repairStep3(suite, sigmas.slice(0, 2), lost, a.public), mismatch);

      // Helper d believes the helper set is {a, c, e}: the Lagrange coefficients disagree.
      const split = [
        repairStep1(suite, a, ids, lost),
        repairStep1(suite, c, ids, lost),
        repairStep1(
          suite,
          d,
          [a, c, d, e].map((k) => k.secret.identifier),
          lost,
        ),
      ];
      const badSigmas = ids.map((j) =>
        repairStep2(
          suite,
          split.map((m) => m[j]!),
        ),
      );
      assert.throws(() => repairStep3(suite, badSigmas, lost, a.public), mismatch);

      assert.throws(() => repairStep1(suite, a, ids.slice(0, 2), lost), invalid); // below the threshold
      assert.throws(() => repairStep1(suite, a, [...ids, lost], lost), invalid); // lost one helping
      assert.throws(
        () =>
          repairStep1(
            suite,
            a,
            [c, d, e].map((k) => k.secret.identifier),
            lost,
          ),
        invalid,
      ); // not a helper
      assert.throws(() => repairStep1(suite, a, ids, frost.Identifier.fromNumber(77)), invalid); // unknown participant
      assert.throws(() => repairStep1(suite, a, [...ids, ids[0]!], lost), invalid); // duplicate
      assert.throws(() => repairStep3(suite, sigmas, frost.Identifier.fromNumber(77), a.public), invalid);
      assert.throws(() => repairStep2(suite, []), InvalidInputError);
      assert.throws(
        () => repairStep2(suite, [new Uint8Array(31)]),
        (x: unknown) => x instanceof InvalidInputError && x.code === 'FROST_INVALID_SCALAR',
      );
      assert.throws(() => repairStep2(suite, [new Uint8Array(32).fill(0xff)]), InvalidInputError); // not below the order
    });
  });
}
