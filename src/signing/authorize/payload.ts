/**
 * From the raw payload of a signing request to (a) the exact bytes the FROST signature will cover
 * and (b) the digest the approvals must cover — both recomputed here, never taken from the request.
 *
 * - `message`: the bytes themselves; digest = custody `analysisDigest` of
 *   {kind:"message", length, sha256} (so approvers can approve a message they can hash themselves).
 * - `safe`: the node re-runs the custody analysis (`analyzeSafeTx`: EIP-712 Safe hashes for the
 *   wallet's exact version, recursive decoding, signature and static checks, findings, verdict)
 *   on the raw transaction and wallet facts, with the simulation result the request carries. It
 *   does NOT re-simulate: that needs a forked chain state and a warm EVM, which a signer node does
 *   not have (and must not fetch from a coordinator-chosen source). The simulation result is bound
 *   anyway — its effects and summary are members of the analysis, so any change to them changes
 *   the digest the approvers signed. Everything else is recomputed from raw bytes, and the signed
 *   message is the safeTxHash computed here, so the digest is bound to the exact 32 bytes signed.
 * - `bitcoin`: the spend summary of the PSBT (bitcoin/summary.ts) — every input, output, the fee and
 *   every BIP341 sighash — and the sighash of the requested input as the message.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { Transaction } from '@scure/btc-signer';
import { base64ToBytes, bytesToHex, equalBytes, hexToBytes } from '../../core/index.ts';
import {
  type Analysis,
  analysisDigest,
  analyzeSafeTx,
  parseSafeTxRecord,
  parseWalletConfig,
  type SimulationResult,
  type WalletConfig,
} from '../../custody/index.ts';
import {
  describeSpend,
  parsePsbt,
  type SpendSummary,
  spendDigest,
  taprootOutputKeyOf,
} from '../bitcoin/index.ts';
import { refuse } from './errors.ts';
import type { SigningPayload } from './request.ts';

export interface MessageSummary {
  kind: 'message';
  length: number;
  /** lower-case hex SHA-256 of the message bytes */
  sha256: string;
}

/** What approvers of a plain message approve (its digest is `analysisDigest` of this). */
export function messageSummary(message: Uint8Array): MessageSummary {
  return { kind: 'message', length: message.length, sha256: bytesToHex(sha256(message)) };
}

export type Recomputed =
  | { kind: 'message'; message: Uint8Array; digest: string; replayKey: string; summary: MessageSummary }
  | {
      kind: 'safe';
      message: Uint8Array;
      digest: string;
      replayKey: string;
      analysis: Analysis;
      wallet: WalletConfig;
    }
  | {
      kind: 'bitcoin';
      message: Uint8Array;
      digest: string;
      replayKey: string;
      summary: SpendSummary;
      tx: Transaction;
    };

export function recomputePayload(
  requestId: string,
  payload: SigningPayload,
  opts: { outputKey?: Uint8Array } = {},
): Recomputed {
  switch (payload.kind) {
    case 'message': {
      const message = base64ToBytes(payload.message);
      const summary = messageSummary(message);
      return { kind: 'message', message, digest: analysisDigest(summary), replayKey: requestId, summary };
    }
    case 'safe': {
      const wallet = parseWalletConfig(payload.wallet);
      const record = parseSafeTxRecord(payload.transaction);
      const analysis = analyzeSafeTx({
        wallet,
        record,
        simulation: payload.simulation as SimulationResult | null,
      });
      return {
        kind: 'safe',
        message: hexToBytes(analysis.safeTxHash),
        digest: analysis.digest,
        replayKey: requestId,
        analysis,
        wallet,
      };
    }
    case 'bitcoin': {
      const tx = parsePsbt(payload.psbt);
      const summary = describeSpend(tx, payload.network);
      const input = summary.inputs[payload.input];
      if (!input)
        refuse(
          'SIGNING_REQUEST_INVALID',
          `input ${payload.input} does not exist (the PSBT has ${summary.inputs.length})`,
          {
            input: payload.input,
          },
        );
      if (opts.outputKey) {
        const key = taprootOutputKeyOf(hexToBytes(input.script));
        if (!key || !equalBytes(key, opts.outputKey.length === 33 ? opts.outputKey.slice(1) : opts.outputKey))
          refuse('SIGNING_KEY_MISMATCH', `input ${payload.input} does not pay this node's group key`, {
            input: payload.input,
            address: input.address,
          });
      }
      return {
        kind: 'bitcoin',
        message: hexToBytes(input.sighash),
        digest: spendDigest(summary),
        // one FROST signature per input: the replay key names the input
        replayKey: `${requestId}#input:${payload.input}`,
        summary,
        tx,
      };
    }
  }
}
