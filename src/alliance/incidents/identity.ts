/**
 * This instance's STIX identity in the alliance (the `created_by_ref` of what it publishes): made
 * once, kept in settings (`alliance.identity`), audited when made.
 */
import type { Ledger } from '../../ledger/index.ts';
import { identity as identityObject, type StixObject, stixId } from '../stix/index.ts';

const KEY = 'alliance.identity';

export async function ownIdentity(ledger: Ledger, name = 'Rampart member'): Promise<StixObject> {
  const db = ledger.store.db;
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  if (row) return JSON.parse(row.value) as StixObject;
  const obj = identityObject({ id: stixId('identity'), name, identityClass: 'organization', tlp: 'clear' });
  await ledger.record(
    { actor: 'system', action: 'alliance.identity.created', subject: obj.id, payload: { name } },
    async (tx) => {
      await tx
        .insertInto('settings')
        .values({
          key: KEY,
          value: JSON.stringify(obj),
          updated_at: ledger.clock.now().toISOString(),
          updated_by: 'system',
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    },
  );
  const again = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', KEY)
    .executeTakeFirstOrThrow();
  return JSON.parse(again.value) as StixObject;
}
