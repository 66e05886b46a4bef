/**
 * The user-side verifier (docs/proof-of-reserves.md §8). Pure TypeScript, no I/O and no Node-only
 * API: the CLI, the server and the standalone page run this same code. SHA-256 comes from
 * @noble/hashes (through core), independent of the node:crypto the builder uses.
 *
 * Checks, in order, each with its own code: shape and version; every value a canonical decimal in
 * its range (no negative, leaf < 2^96, a node at height h ≤ 2^h·(2^96−1) — Chalkias et al. 2020 §3.3
 * range bounds); path length = height; the root equals the published one, if given; the leaf
 * commits to this user id with this salt (§3.1); the path's per-asset sums add up to the root totals;
 * the path's hashes, which bind each child's sums separately (Chalkias et al. §3.2), give the root.
 */
import { bytesToHex, hexToBytes, sha256, utf8 } from '../../core/index.ts';
import {
  commitmentInput,
  HASH_BYTES,
  isValidUserId,
  leafInput,
  MAX_ASSETS,
  MAX_HEIGHT,
  maxSumAt,
  nodeInput,
  recordBytes,
  VALUE_BYTES,
  writeU128,
} from '../tree/encoding.ts';
import {
  PROOF_CODES,
  PROOF_VERSION,
  type ProofCode,
  type RootStatement,
  type VerifyResult,
} from './proof.ts';

class Refused extends Error {
  constructor(
    readonly code: ProofCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX32 = /^[0-9a-f]{64}$/;

function malformed(where: string, what: string): never {
  throw new Refused(PROOF_CODES.malformed, `${where}: ${what}`, { field: where });
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) malformed(where, 'must be an object');
  return v as Record<string, unknown>;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') malformed(where, 'must be a string');
  return v;
}

function hex32(v: unknown, where: string): Uint8Array {
  const s = str(v, where);
  if (!HEX32.test(s)) malformed(where, 'must be 64 lower-case hex digits');
  return hexToBytes(s);
}

function int(v: unknown, where: string, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max)
    malformed(where, `must be an integer from 0 to ${max}`);
  return v;
}

/** A value: canonical decimal string, not negative, at most `max` (§4). */
function value(v: unknown, where: string, max: bigint): bigint {
  const s = str(v, where);
  if (/^-\s*[0-9]/.test(s))
    throw new Refused(PROOF_CODES.negative, `${where} is negative (${s}); balances and sums are unsigned`, {
      field: where,
    });
  if (!DECIMAL.test(s))
    malformed(where, `must be a decimal integer without sign or leading zeros (got "${s}")`);
  const x = BigInt(s);
  if (x > max)
    throw new Refused(PROOF_CODES.outOfRange, `${where} is ${s}, above its bound ${max}`, {
      field: where,
      bound: max.toString(),
    });
  return x;
}

function values(v: unknown, where: string, count: number, max: bigint): bigint[] {
  if (!Array.isArray(v) || v.length !== count) malformed(where, `must be a list of ${count} values`);
  return v.map((x, i) => value(x, `${where}[${i}]`, max));
}

function encodeValues(xs: bigint[]): Uint8Array {
  const out = new Uint8Array(xs.length * VALUE_BYTES);
  for (let i = 0; i < xs.length; i++) writeU128(out, i * VALUE_BYTES, xs[i]!);
  return out;
}

function record(hash: Uint8Array, sums: bigint[]): Uint8Array {
  const out = new Uint8Array(recordBytes(sums.length));
  out.set(hash, 0);
  out.set(encodeValues(sums), HASH_BYTES);
  return out;
}

interface Published {
  hash: string;
  statement?: RootStatement;
}

function parsePublished(p: string | RootStatement): Published {
  if (typeof p === 'string') {
    const h = p.trim().toLowerCase().replace(/^0x/, '');
    if (!HEX32.test(h)) malformed('published root', 'must be 64 hex digits or a root statement');
    return { hash: h };
  }
  const root = obj(obj(p, 'published root').root, 'published root.root');
  const h = str(root.hash, 'published root.root.hash');
  if (!HEX32.test(h)) malformed('published root.root.hash', 'must be 64 lower-case hex digits');
  return { hash: h, statement: p };
}

function sameList(a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
}

function check(input: unknown, publishedRoot?: string | RootStatement): VerifyResult & { ok: true } {
  const p = obj(input, 'proof');
  if (p.version !== PROOF_VERSION)
    throw new Refused(PROOF_CODES.version, `proof version ${String(p.version)} is not supported (1 is)`, {
      version: p.version,
    });
  const buildId = str(p.buildId, 'buildId');
  const snapshotTime = str(p.snapshotTime, 'snapshotTime');
  if (!Array.isArray(p.assets) || p.assets.length < 1 || p.assets.length > MAX_ASSETS)
    malformed('assets', `must list 1 to ${MAX_ASSETS} assets`);
  const assets = p.assets.map((a, i) => str(a, `assets[${i}]`));
  if (new Set(assets).size !== assets.length) malformed('assets', 'must not repeat an asset');
  const K = assets.length;
  const height = int(p.height, 'height', MAX_HEIGHT);
  if (height < 1) malformed('height', 'must be at least 1');

  const leaf = obj(p.leaf, 'leaf');
  const user = str(leaf.user, 'leaf.user');
  if (!isValidUserId(user)) malformed('leaf.user', 'must be 1–128 printable ASCII characters without , or "');
  const salt = hex32(leaf.salt, 'leaf.salt');
  const commitment = hex32(leaf.commitment, 'leaf.commitment');
  const position = int(leaf.position, 'leaf.position', 2 ** MAX_HEIGHT - 1);
  if (position >= 2 ** height) malformed('leaf.position', `must be below 2^height (${2 ** height})`);
  const balances = values(leaf.balances, 'leaf.balances', K, maxSumAt(0));

  const root = obj(p.root, 'root');
  const rootHash = str(root.hash, 'root.hash');
  if (!HEX32.test(rootHash)) malformed('root.hash', 'must be 64 lower-case hex digits');
  const totals = values(root.totals, 'root.totals', K, maxSumAt(height));

  if (!Array.isArray(p.path)) malformed('path', 'must be a list');
  const steps = p.path.map((s, i) => {
    const o = obj(s, `path[${i}]`);
    // The sibling at step i is a node at height i: its sums are bounded by 2^i leaves (§4).
    return {
      hash: hex32(o.hash, `path[${i}].hash`),
      sums: values(o.sums, `path[${i}].sums`, K, maxSumAt(i)),
    };
  });
  if (steps.length !== height)
    throw new Refused(
      PROOF_CODES.pathLength,
      `the path has ${steps.length} steps but the tree height is ${height}`,
      { steps: steps.length, height },
    );

  // A proof for another root: compared before anything is recomputed (§8 step 4).
  let against = false;
  if (publishedRoot !== undefined) {
    const pub = parsePublished(publishedRoot);
    const s = pub.statement;
    const differs =
      pub.hash !== rootHash ||
      (s !== undefined &&
        (!sameList(s.assets, assets) ||
          s.height !== height ||
          !sameList(s.root?.totals, root.totals as string[]) ||
          s.buildId !== buildId));
    if (differs)
      throw new Refused(
        PROOF_CODES.otherRoot,
        `this proof is for root ${rootHash}, not the published root ${pub.hash}${pub.hash === rootHash ? ' (same hash, different assets, height, totals or build)' : ''}`,
        { proofRoot: rootHash, publishedRoot: pub.hash },
      );
    against = true;
  }

  const expected = sha256(commitmentInput(salt, utf8(user)));
  if (bytesToHex(expected) !== bytesToHex(commitment))
    throw new Refused(
      PROOF_CODES.commitment,
      'the leaf does not commit to this user id with this salt: it is not your leaf',
      { commitment: bytesToHex(commitment), expected: bytesToHex(expected) },
    );

  let hash = sha256(leafInput(commitment, encodeValues(balances)));
  let sums = balances;
  for (let i = 0; i < height; i++) {
    const step = steps[i]!;
    const mine = record(hash, sums);
    const sibling = record(step.hash, step.sums);
    const right = Math.floor(position / 2 ** i) % 2 === 1;
    hash = sha256(right ? nodeInput(sibling, mine) : nodeInput(mine, sibling));
    sums = sums.map((x, k) => x + step.sums[k]!);
  }
  const diff = sums.findIndex((x, k) => x !== totals[k]);
  if (diff >= 0)
    throw new Refused(
      PROOF_CODES.totals,
      `the path adds up to ${sums[diff]} ${assets[diff]}, but the root states ${totals[diff]}`,
      { asset: assets[diff], computed: sums[diff]!.toString(), stated: totals[diff]!.toString() },
    );
  const computed = bytesToHex(hash);
  if (computed !== rootHash)
    throw new Refused(
      PROOF_CODES.rootHash,
      `the path's hashes give root ${computed}, not ${rootHash}: a sibling hash or sum was changed`,
      { computed, stated: rootHash },
    );
  return {
    ok: true,
    user,
    buildId,
    snapshotTime,
    height,
    balances: Object.fromEntries(assets.map((a, k) => [a, balances[k]!.toString()])),
    totals: Object.fromEntries(assets.map((a, k) => [a, totals[k]!.toString()])),
    rootHash,
    againstPublishedRoot: against,
  };
}

/**
 * Verify an inclusion proof (parsed JSON), optionally against a published root (its hash in hex,
 * or the whole root statement). Never throws on bad input: the answer names the failed check.
 */
export function verifyProof(proof: unknown, publishedRoot?: string | RootStatement): VerifyResult {
  try {
    return check(proof, publishedRoot);
  } catch (e) {
    if (e instanceof Refused)
      return e.details === undefined
        ? { ok: false, code: e.code, message: e.message }
        : { ok: false, code: e.code, message: e.message, details: e.details };
    throw e;
  }
}
