/**
 * What a user reads after dropping their inclusion proof: the verdict, which of the verifier's
 * checks passed (docs/proof-of-reserves.md §8, in order: the first failure is the answer, the
 * checks after it did not run), their balances and the totals. Pure: the standalone page and the
 * console both call it, and it calls the same `verifyProof` the CLI and the server use.
 */
import {
  PROOF_CODES,
  type ProofCode,
  type RootStatement,
  verifyProof,
} from '../../../src/reserves/verify/index.ts';

export type CheckState = 'passed' | 'failed' | 'not-run' | 'skipped';

export interface CheckLine {
  code: ProofCode;
  label: string;
  state: CheckState;
}

export interface ProofReport {
  ok: boolean;
  /** The failure's code and message (when not ok). */
  code?: string;
  message?: string;
  checks: CheckLine[];
  user?: string;
  snapshotTime?: string;
  buildId?: string;
  rootHash?: string;
  againstPublishedRoot: boolean;
  /** asset → [the user's balance, the total of all liabilities] (decimal strings, base units) */
  balances: { asset: string; balance: string; total: string }[];
}

/** §8's checks in the order the verifier runs them. */
export const CHECKS: { code: ProofCode; label: string }[] = [
  { code: PROOF_CODES.malformed, label: 'The proof is well formed' },
  { code: PROOF_CODES.version, label: 'The proof format version is supported' },
  { code: PROOF_CODES.negative, label: 'No balance or sum is negative' },
  { code: PROOF_CODES.outOfRange, label: 'Every balance and sum is within its range (no overflow)' },
  { code: PROOF_CODES.pathLength, label: 'The path has exactly one step per tree level' },
  { code: PROOF_CODES.otherRoot, label: 'The proof is for the published root you gave' },
  {
    code: PROOF_CODES.commitment,
    label: 'The leaf is yours: your user id and secret salt give its commitment',
  },
  { code: PROOF_CODES.totals, label: 'The sums along the path add up to the published totals' },
  { code: PROOF_CODES.rootHash, label: 'The hashes along the path give the root hash' },
];

/**
 * The published root as the user gave it: a hash (hex), the root statement (JSON), or the ledger
 * entry that published it (its payload is the statement).
 */
export function parseRoot(text: string): string | RootStatement | undefined | { error: string } {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.startsWith('{')) {
    try {
      const v = JSON.parse(t) as RootStatement | { payload?: RootStatement };
      // the ledger entry that published it (`reserves.liabilities.published`) holds it as its payload
      return 'payload' in v && v.payload ? v.payload : (v as RootStatement);
    } catch (e) {
      return { error: `the published root is not valid JSON: ${(e as Error).message}` };
    }
  }
  const hex = t.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{64}$/.test(hex))
    return { error: 'the published root must be 64 hex digits (the root hash) or the root statement (JSON)' };
  return hex;
}

function failedAt(code: string, rootGiven: boolean): CheckLine[] {
  const at = CHECKS.findIndex((c) => c.code === code);
  return CHECKS.map((c, i) => ({
    ...c,
    state:
      c.code === PROOF_CODES.otherRoot && !rootGiven && i < at
        ? 'skipped'
        : i < at
          ? 'passed'
          : i === at
            ? 'failed'
            : 'not-run',
  }));
}

export function proofReport(proofText: string, rootText = ''): ProofReport {
  const root = parseRoot(rootText);
  const none = { againstPublishedRoot: false, balances: [] };
  if (root !== undefined && typeof root === 'object' && 'error' in root)
    return {
      ok: false,
      code: 'ROOT_INPUT_INVALID',
      message: root.error,
      checks: CHECKS.map((c) => ({ ...c, state: 'not-run' })),
      ...none,
    };
  let proof: unknown;
  try {
    proof = JSON.parse(proofText);
  } catch (e) {
    return {
      ok: false,
      code: PROOF_CODES.malformed,
      message: `the proof is not valid JSON: ${(e as Error).message}`,
      checks: failedAt(PROOF_CODES.malformed, root !== undefined),
      ...none,
    };
  }
  const r = verifyProof(proof, root as string | RootStatement | undefined);
  if (!r.ok)
    return {
      ok: false,
      code: r.code,
      message: r.message,
      checks: failedAt(r.code, root !== undefined),
      ...none,
    };
  return {
    ok: true,
    checks: CHECKS.map((c) => ({
      ...c,
      state: c.code === PROOF_CODES.otherRoot && !r.againstPublishedRoot ? 'skipped' : 'passed',
    })),
    user: r.user,
    snapshotTime: r.snapshotTime,
    buildId: r.buildId,
    rootHash: r.rootHash,
    againstPublishedRoot: r.againstPublishedRoot,
    balances: Object.keys(r.balances).map((asset) => ({
      asset,
      balance: r.balances[asset]!,
      total: r.totals[asset] ?? '',
    })),
  };
}
