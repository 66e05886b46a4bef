/**
 * TAXII serving, for `npm run bench -- alliance`: a 10,000-object collection (one indicator per
 * address, TLP:GREEN) read by an alliance member over HTTP — HTTP Basic, Accept TAXII 2.1, pages of
 * 1,000 followed with `next` — through the real server (Fastify, permission hook, member rights,
 * TLP filter, version/spec filters, paging, JSON). Reference, in the same run and on the same
 * store: reading the same 10,000 stored objects straight from SQLite and serialising them to JSON,
 * no HTTP and no filtering — the floor any server on this store pays. Store: SQLite WAL,
 * synchronous=FULL (reads only here). `ratios.taxiiVsRawRead` = ours / reference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addMember, hashPassword, setCollectionRight } from '../src/alliance/members/index.ts';
import { TaxiiClient } from '../src/alliance/taxii/client/index.ts';
import { addObjects, createApiRoot, createCollection } from '../src/alliance/taxii/store.ts';
import { basicStixChecks } from '../src/alliance/taxii/validator.ts';
import { configSchema } from '../src/core/node.ts';
import { createRampart } from '../src/server/app.ts';
import type { Result } from './report.ts';

export async function taxiiServing(
  log: (s: string) => void,
  objects = 10_000,
  page = 1_000,
): Promise<{
  results: Result[];
  ratios: Record<string, number>;
  conditions: Record<string, string | number>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-taxii-'));
  const app = await createRampart(
    configSchema.parse({
      dataDir: dir,
      server: { host: '127.0.0.1', port: 0 },
      ledger: { checkpointEverySeconds: 3600 },
    }),
  );
  try {
    const url = await app.http.listen({ host: '127.0.0.1', port: 0 });
    const l = app.ledger;
    await createApiRoot(l, { name: 'alliance', title: 'bench' }, 'user:bench');
    const col = (await createCollection(l, { apiRoot: 'alliance', title: 'bench' }, 'user:bench')).id;
    await addMember(
      l,
      { id: 'reader', name: 'reader', passwordHash: await hashPassword('bench password 2025') },
      'user:bench',
    );
    await setCollectionRight(
      l,
      'reader',
      { collectionId: col, canRead: true, canWrite: false, tlpMax: 'amber' },
      'user:bench',
    );
    log(`TAXII: loading ${objects.toLocaleString('en-US')} objects…`);
    const now = '2025-02-21T14:13:00.000Z';
    for (let i = 0; i < objects; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, objects - i) }, (_, k) => {
        const n = i + k;
        const hex = n.toString(16).padStart(12, '0');
        return {
          type: 'indicator',
          spec_version: '2.1',
          id: `indicator--00000000-0000-4000-8000-${hex}`,
          created: now,
          modified: now,
          name: `Address ${n}`,
          indicator_types: ['malicious-activity'],
          pattern: `[cryptocurrency-wallet:value = '0x${n.toString(16).padStart(40, '0')}']`,
          pattern_type: 'stix',
          valid_from: now,
          object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
        };
      });
      await addObjects(l, {
        apiRoot: 'alliance',
        collectionId: col,
        objects: batch,
        addedBy: 'local',
        actor: 'user:bench',
        validate: basicStixChecks,
      });
    }
    const client = new TaxiiClient({ kind: 'basic', username: 'reader', password: 'bench password 2025' });
    const collectionUrl = `${url}/taxii2/alliance/collections/${col}/`;
    const readAll = async () => {
      let n = 0;
      let next: string | undefined;
      for (;;) {
        const p = await client.getObjects(collectionUrl, { limit: page, ...(next ? { next } : {}) });
        n += p.objects?.length ?? 0;
        if (!p.more || !p.next) break;
        next = p.next;
      }
      return n;
    };
    const rawRead = async () => {
      let bytes = 0;
      const rows = await l.store.db
        .selectFrom('taxii_objects')
        .select('object')
        .where('collection_id', '=', col)
        .orderBy('date_added')
        .execute();
      for (let i = 0; i < rows.length; i += page)
        bytes += JSON.stringify({ objects: rows.slice(i, i + page).map((r) => JSON.parse(r.object)) }).length;
      return { n: rows.length, bytes };
    };
    await readAll(); // warm: scrypt verified once (then cached), statements prepared
    await rawRead();
    const best = async (fn: () => Promise<unknown>) => {
      let ms = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 3; r++) {
        const t = performance.now();
        await fn();
        ms = Math.min(ms, performance.now() - t);
      }
      return ms;
    };
    const got = await readAll();
    if (got !== objects) throw new Error(`TAXII served ${got} objects, expected ${objects}`);
    const oursMs = await best(readAll);
    const refMs = await best(rawRead);
    const ours = objects / (oursMs / 1000);
    const ref = objects / (refMs / 1000);
    log(`TAXII: ${Math.round(ours)} objects/s served, raw read ${Math.round(ref)} objects/s`);
    return {
      results: [
        {
          subject: 'TAXII 2.1 GET objects over HTTP, member with Basic auth (ours)',
          metric: `${objects} objects, pages of ${page}`,
          value: ours,
          unit: 'objects/s',
        },
        {
          subject: 'same rows read from SQLite + JSON (reference floor)',
          metric: `${objects} objects, pages of ${page}`,
          value: ref,
          unit: 'objects/s',
        },
        {
          subject: 'TAXII full collection read (ours)',
          metric: 'wall time, best of 3',
          value: oursMs,
          unit: 'ms',
        },
      ],
      ratios: { taxiiVsRawRead: ours / ref },
      conditions: {
        'taxii collection': objects,
        'taxii page': page,
        'taxii store': 'SQLite WAL synchronous=FULL (reads)',
      },
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
