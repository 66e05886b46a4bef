/**
 * Demo data for a first look: a short, plausible history written through the real ledger API
 * (settings changes are real domain rows, audited in the same transaction), then a checkpoint.
 * Every demo entry carries `"demo": true` so it can never be mistaken for a real event.
 */
import type { Ledger } from '../ledger/index.ts';

const PEOPLE = ['user:alice', 'user:bob', 'user:carol', 'user:dave'];
const ACTIONS: Array<[string, string, Record<string, unknown>]> = [
  ['access.person.enrolled', 'person:alice', { role: 'administrator' }],
  ['access.role.granted', 'person:bob', { role: 'operator', approvedBy: 'user:carol' }],
  ['access.role.granted', 'person:dave', { role: 'approver', approvedBy: 'user:alice' }],
  [
    'custody.wallet.registered',
    'eip155:1:0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4',
    { version: '1.1.1', threshold: 3, owners: 4 },
  ],
  [
    'custody.request.submitted',
    'request:demo-1',
    { to: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', value: '0', operation: 0 },
  ],
  ['custody.request.analysed', 'request:demo-1', { verdict: 'review', findings: ['UNKNOWN_RECIPIENT'] }],
  ['custody.request.approved', 'request:demo-1', { digest: 'sha256:5e1c…', step: 'passkey' }],
  [
    'custody.request.analysed',
    'request:demo-2',
    { verdict: 'deny', findings: ['DELEGATECALL_UNTRUSTED', 'WALLET_IMPLEMENTATION_CHANGE'] },
  ],
  [
    'alliance.indicator.received',
    'indicator:demo-1',
    { from: 'member:example-exchange', addresses: 51, tlp: 'amber' },
  ],
  ['signing.ceremony.completed', 'key:demo-frost-1', { suite: 'ed25519', threshold: 2, nodes: 3 }],
];

/** How many entries the demo history has unless told otherwise. */
export const DEMO_HISTORY = 60;

/**
 * Writes the demo history into an empty ledger, or (`done`) finishes one that a stop interrupted
 * after `done` of its entries: the entries are the same sequence every time, each its own
 * transaction, so what was written is a prefix of it. Returns how many entries it wrote now.
 */
export async function seedDemo(
  ledger: Ledger,
  opts: { entries?: number; done?: number } = {},
): Promise<number> {
  const done = opts.done ?? 0;
  if (opts.done === undefined && (await ledger.size()) > 0) return 0;
  const total = opts.entries ?? DEMO_HISTORY;
  if (done >= total) return 0;
  if (done === 0)
    await ledger.record({
      actor: 'system',
      action: 'ledger.started',
      payload: { demo: true, origin: ledger.publisher.origin },
    });
  // Entry n (n ≥ 1) of the sequence is step i = n − 1.
  let n = Math.max(1, done);
  for (let i = n - 1; n < total; i++, n++) {
    if (i % 6 === 5) {
      const key = `demo.limit.${i % 4}`;
      const actor = PEOPLE[i % PEOPLE.length]!;
      const value = String(1000 * (i + 1));
      await ledger.record(
        { actor, action: 'settings.changed', subject: key, payload: { demo: true, key, value } },
        async (db) => {
          await db
            .insertInto('settings')
            .values({ key, value, updated_at: new Date().toISOString(), updated_by: actor })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_by: actor }))
            .execute();
        },
      );
      continue;
    }
    const [action, subject, payload] = ACTIONS[i % ACTIONS.length]!;
    await ledger.record({
      actor: PEOPLE[i % PEOPLE.length]!,
      action,
      subject,
      payload: { demo: true, ...payload },
    });
  }
  await ledger.checkpointNow();
  return n - done;
}
