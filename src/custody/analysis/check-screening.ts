/** SCREENED_ADDRESS: any address the transaction names, signs with or touches that is on a deny list. */
import type { JsonValue } from '../../core/index.ts';
import { type DecodedCall, flattenCalls } from '../evm/decode/decode-call.ts';
import type { SafeTxRecord } from '../evm/safe-tx.ts';
import type { SignatureCheck } from '../evm/signatures.ts';
import type { SimulationResult } from '../evm/simulate/types.ts';
import { type Finding, finding } from './findings.ts';

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

function addressesIn(v: JsonValue, out: string[]): void {
  if (typeof v === 'string' && ADDRESS_RE.test(v)) out.push(v);
  else if (Array.isArray(v)) for (const x of v) addressesIn(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) addressesIn(x, out);
}

export function checkScreening(input: {
  /** Membership by lower-case address (a Set, or the injected screening set). */
  screened: { has(address: string): boolean; readonly size?: number };
  record: SafeTxRecord;
  decoded: DecodedCall;
  signatures: SignatureCheck | null;
  simulation: SimulationResult | null;
}): Finding[] {
  if (input.screened.size === 0) return [];
  const out: Finding[] = [];
  const hit = (addr: string, where: string, path: string | null) => {
    if (input.screened.has(addr.toLowerCase())) {
      out.push(finding('SCREENED_ADDRESS', `${addr} (${where}) is on the screening list`, path));
    }
  };
  for (const call of flattenCalls(input.decoded)) {
    hit(call.to, 'call target', call.path);
    const found: string[] = [];
    for (const a of call.args ?? []) addressesIn(a.value, found);
    for (const a of found) hit(a, 'call argument', call.path);
  }
  hit(input.record.tx.refundReceiver, 'refund receiver', null);
  hit(input.record.tx.gasToken, 'gas token', null);
  for (const s of input.signatures?.signatures ?? [])
    if (s.signer) hit(s.signer, `signer of signature ${s.index}`, null);
  for (const c of input.record.confirmations ?? []) hit(c.owner, 'confirming owner', null);
  for (const b of input.simulation?.effects.balanceChanges ?? [])
    hit(b.address, 'balance change in simulation', null);
  for (const a of input.simulation?.effects.approvals ?? [])
    hit(a.spender, 'approved spender in simulation', null);
  return out;
}
