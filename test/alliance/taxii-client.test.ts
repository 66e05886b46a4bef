/**
 * The TAXII client against a real server: following a collection configured in `alliance.follow[]`
 * inside a running Rampart (HTTP Basic), with RFC 9421 signed requests, paging with `next`,
 * de-duplication by id and version, provenance, refusal of a non-TAXII answer, and the backoff.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { registerServiceKey } from '../../src/access/services/index.ts';
import {
  acknowledgementsByMember,
  allianceCollection,
  allianceScreeningSink,
  declareIncident,
  feedHandler,
  incidentTimeline,
} from '../../src/alliance/incidents/index.ts';
import { addMember, hashPassword, setCollectionRight } from '../../src/alliance/members/index.ts';
import {
  backoffDelay,
  Follower,
  TaxiiClient,
  type TaxiiHttpError,
} from '../../src/alliance/taxii/client/index.ts';
import { addObjects } from '../../src/alliance/taxii/store.ts';
import { basicStixChecks } from '../../src/alliance/taxii/validator.ts';
import { bytesToBase64 } from '../../src/core/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'follower password 2025';
let hub: TestServer;
let col: string;

const indicator = (n: number, modified = '2025-02-21T14:13:00.000Z') => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
  created: '2025-02-21T14:13:00.000Z',
  modified,
  indicator_types: ['malicious-activity'],
  pattern: `[cryptocurrency-wallet:value = '0x${n.toString(16).padStart(40, '0')}']`,
  pattern_type: 'stix',
  valid_from: '2025-02-21T14:13:00.000Z',
  object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
});

before(async () => {
  hub = await startTestServer();
  col = await allianceCollection(hub.app.ledger, 'user:admin');
  await addMember(
    hub.app.ledger,
    { id: 'member-a', name: 'A', passwordHash: await hashPassword(PASSWORD) },
    'user:admin',
  );
  await setCollectionRight(
    hub.app.ledger,
    'member-a',
    { collectionId: col, canRead: true, canWrite: true, tlpMax: 'amber' },
    'user:admin',
  );
  await addObjects(hub.app.ledger, {
    apiRoot: 'alliance',
    collectionId: col,
    objects: Array.from({ length: 25 }, (_, i) => indicator(i + 1)),
    addedBy: 'local',
    actor: 'user:admin',
    validate: basicStixChecks,
  });
});
after(() => hub?.close());

describe('following a collection', () => {
  test('a member configured in alliance.follow[] pulls everything, screens it, and records where it came from', async () => {
    const a = await startTestServer({
      config: {
        alliance: {
          follow: [
            {
              name: 'hub',
              url: `${hub.url}/taxii2/alliance/`,
              collection: col,
              username: 'member-a',
              password: PASSWORD,
              pollSeconds: 1,
            },
          ],
        },
      },
    });
    try {
      const deadline = Date.now() + 45_000;
      let rows: { object_id: string; source: string }[] = [];
      let listed = 0;
      // The feed is recorded first, then the addresses are listed: wait for both.
      while (Date.now() < deadline) {
        rows = await a.app.store.db.selectFrom('alliance_feed').select(['object_id', 'source']).execute();
        const n = (await a.rawSql(
          "SELECT count(*) AS n FROM alliance_screening_entries WHERE source = 'alliance:hub'",
        )) as { n: number | string }[];
        listed = Number(n[0]!.n);
        if (rows.length === 25 && listed === 25) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(rows.length, 25);
      assert.ok(rows.every((r) => r.source === 'hub'));
      assert.equal(listed, 25);
      const audit = (await a.rawSql(
        "SELECT count(*) AS n FROM ledger_entries WHERE action = 'alliance.feed.received'",
      )) as { n: number | string }[];
      assert.ok(Number(audit[0]!.n) >= 1);
    } finally {
      await a.close();
    }
  });

  test('paging with next, then nothing new twice; a new version is new', async () => {
    const a = await startTestServer();
    try {
      const seen: number[] = [];
      const f = new Follower(
        a.app.ledger,
        {
          name: 'hub',
          url: `${hub.url}/taxii2/alliance/`,
          collection: col,
          auth: { kind: 'basic', username: 'member-a', password: PASSWORD },
          pollSeconds: 1,
          pageSize: 7,
        },
        async (_s, fresh) => {
          seen.push(fresh.length);
        },
      );
      assert.equal((await f.pollOnce()).length, 25);
      assert.equal((await f.pollOnce()).length, 0);
      await addObjects(hub.app.ledger, {
        apiRoot: 'alliance',
        collectionId: col,
        objects: [indicator(1, '2025-02-22T00:00:00.000Z'), indicator(2)],
        addedBy: 'local',
        actor: 'user:admin',
        validate: basicStixChecks,
      });
      const again = await f.pollOnce();
      assert.deepEqual(
        again.map((o) => o['modified']),
        ['2025-02-22T00:00:00.000Z'],
      );
      assert.deepEqual(
        seen,
        [25, 0, 1],
        'the handler runs on every poll (it retries pending acknowledgements)',
      );
      // A cursor survives: a new follower on the same store starts after it.
      const g = new Follower(a.app.ledger, f.spec, async () => {});
      assert.equal((await g.pollOnce()).length, 0);
    } finally {
      await a.close();
    }
  });

  test('signed requests (RFC 9421) from a service key whose service id is the member', async () => {
    const sk = ed25519.utils.randomSecretKey();
    await registerServiceKey(hub.app.ledger, {
      serviceId: 'member-a',
      keyId: 'member-a-1',
      publicKey: bytesToBase64(ed25519.getPublicKey(sk)),
      permissions: ['taxii:read', 'taxii:write'],
      actor: 'user:admin',
    });
    const client = new TaxiiClient({ kind: 'signed', keyId: 'member-a-1', privateKey: sk });
    const page = await client.getObjects(`${hub.url}/taxii2/alliance/collections/${col}/`, { limit: 5 });
    assert.equal(page.objects?.length, 5);
    assert.equal(page.more, true);
    // The same key through the config path (key file as keygen writes it).
    const keyFile = join(hub.db.dataDir, 'member-a.key');
    writeFileSync(keyFile, `${bytesToBase64(sk)}\n`, { mode: 0o600 });
    const a = await startTestServer({
      config: {
        alliance: {
          follow: [
            {
              name: 'hub',
              url: `${hub.url}/taxii2/alliance/`,
              collection: col,
              keyId: 'member-a-1',
              keyFile,
              pollSeconds: 1,
            },
          ],
        },
      },
    });
    try {
      const deadline = Date.now() + 45_000;
      let n = 0;
      while (Date.now() < deadline && n < 25) {
        n = ((await a.app.store.db.selectFrom('alliance_feed').select('object_id').execute()) as unknown[])
          .length;
        await new Promise((r) => setTimeout(r, 100));
      }
      // 25 objects: the latest version of each (match[version] defaults to last).
      assert.equal(n, 25);
    } finally {
      await a.close();
    }
  });

  test('wrong credentials, a non-TAXII answer: errors recorded, not objects', async () => {
    const client = new TaxiiClient({ kind: 'basic', username: 'member-a', password: 'wrong password!!' });
    await assert.rejects(
      client.getObjects(`${hub.url}/taxii2/alliance/collections/${col}/`),
      (e: TaxiiHttpError) => e.httpStatus === 401,
    );
    const plain = new TaxiiClient({ kind: 'none' });
    await assert.rejects(
      plain.request('GET', `${hub.url}/healthz`),
      /not application\/taxii\+json;version=2.1/,
    );
    const a = await startTestServer();
    try {
      const f = new Follower(
        a.app.ledger,
        {
          name: 'bad',
          url: `${hub.url}/taxii2/alliance/`,
          collection: col,
          auth: { kind: 'basic', username: 'member-a', password: 'wrong password!!' },
          pollSeconds: 1,
        },
        async () => {},
      );
      f.start();
      const deadline = Date.now() + 45_000;
      let row: { last_error: string | null; failures: number } | undefined;
      while (Date.now() < deadline && !row?.last_error) {
        row = await a.app.store.db
          .selectFrom('alliance_follow_cursors')
          .select(['last_error', 'failures'])
          .where('source', '=', 'bad')
          .executeTakeFirst();
        await new Promise((r) => setTimeout(r, 50));
      }
      await f.stop();
      assert.match(row?.last_error ?? '', /401/);
      assert.ok(Number(row?.failures) >= 1);
      assert.equal(
        ((await a.app.store.db.selectFrom('alliance_feed').select('object_id').execute()) as unknown[])
          .length,
        0,
      );
    } finally {
      await a.close();
    }
  });
});

describe('acknowledgements', () => {
  test('an acknowledgement refused by the declaring member is sent again on a later poll', async () => {
    const inc = await declareIncident(
      hub.app.ledger,
      { title: 'retry test', addresses: ['0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D'], tlp: 'green' },
      'user:admin',
    );
    await setCollectionRight(
      hub.app.ledger,
      'member-a',
      { collectionId: col, canRead: true, canWrite: false, tlpMax: 'amber' },
      'user:admin',
    );
    const a = await startTestServer();
    try {
      const f = new Follower(
        a.app.ledger,
        {
          name: 'hub',
          url: `${hub.url}/taxii2/alliance/`,
          collection: col,
          auth: { kind: 'basic', username: 'member-a', password: PASSWORD },
          pollSeconds: 1,
        },
        feedHandler(a.app.ledger, allianceScreeningSink(a.app.ledger)),
      );
      await assert.rejects(f.pollOnce(), (e: TaxiiHttpError) => e.httpStatus === 403);
      const row = await a.app.store.db
        .selectFrom('alliance_incidents')
        .selectAll()
        .where('id', '=', inc.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.acknowledged_at, null);
      assert.ok(
        await allianceScreeningSink(a.app.ledger).isListed('0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D'),
        'screened before acknowledging',
      );
      await setCollectionRight(
        hub.app.ledger,
        'member-a',
        { collectionId: col, canRead: true, canWrite: true, tlpMax: 'amber' },
        'user:admin',
      );
      const second = await f.pollOnce();
      assert.deepEqual(
        second.map((o) => o['id']),
        [],
        JSON.stringify(second).slice(0, 300),
      );
      const acks = acknowledgementsByMember(await incidentTimeline(hub.app.store.db, inc.id));
      assert.equal(acks.length, 1);
      assert.equal(acks[0]!.member, 'member-a');
      assert.ok(acks[0]!.receivedAt && acks[0]!.acknowledgedAt);
      // The next poll brings back only its own acknowledgement note, and acknowledges nothing again.
      assert.deepEqual(
        (await f.pollOnce()).map((o) => o['type']),
        ['note'],
      );
      const events = await incidentTimeline(hub.app.store.db, inc.id);
      assert.equal(events.filter((e) => e.kind === 'acknowledged').length, 1, 'acknowledged once');
    } finally {
      await a.close();
    }
  });
});

describe('backoff', () => {
  test('exponential from the poll interval, capped, jittered, never faster than the interval', () => {
    const o = { baseMs: 1000, capMs: 60_000 };
    assert.equal(
      backoffDelay(0, o, () => 0.5),
      1000,
    );
    assert.equal(
      backoffDelay(3, o, () => 0.999),
      7992,
    );
    assert.equal(
      backoffDelay(20, o, () => 0.999),
      59_940,
    );
    assert.equal(
      backoffDelay(5, o, () => 0),
      1000,
    );
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelay(6, o)));
    assert.ok(draws.size > 10, 'jittered');
    for (const d of draws) assert.ok(d >= 1000 && d <= 60_000);
  });
});
