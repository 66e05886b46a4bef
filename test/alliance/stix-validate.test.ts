// STIX 2.1 builders and validation: the official OASIS examples pass, the invalid upstream TLP 2.0
// example fails, every builder's output validates, and each rule the schemas cannot express fails
// for the right reason (error code, object id, schema path).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  addressesOfPattern,
  addressIndicator,
  addressPattern,
  attackPattern,
  bundle,
  campaign,
  courseOfAction,
  cryptocurrencyWallet,
  identity,
  intrusionSet,
  malware,
  newVersion,
  note,
  parseTlp,
  relationship,
  report,
  STIX_PATTERN_INVALID,
  STIX_RULE_VIOLATED,
  STIX_SCHEMA_INVALID,
  type StixError,
  type StixObject,
  sighting,
  stixValidator,
  strictestTlp,
  TLP_MARKING_IDS,
  threatActor,
  tlpMarking,
  uuidV5,
} from '../../src/alliance/stix/index.ts';
import { storeIndependent } from '../support/passes.ts';

const EXAMPLES = new URL('../../../shared/vectors/stix2-examples/', import.meta.url);
const read = (rel: string) => JSON.parse(readFileSync(new URL(rel, EXAMPLES), 'utf8'));
const v = stixValidator();

function rejects(fn: () => void, code: string, match: RegExp): StixError {
  try {
    fn();
  } catch (e) {
    const err = e as StixError;
    assert.equal(err.code, code, err.message);
    assert.match(err.message, match);
    return err;
  }
  assert.fail('expected a STIX error');
}

describe('STIX validation against the OASIS examples', storeIndependent, () => {
  const dir = 'cti-stix2-json-schemas/examples/';
  const files = [
    ...readdirSync(new URL(dir, EXAMPLES))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `${dir}${f}`),
    ...readdirSync(new URL(`${dir}threat-reports/`, EXAMPLES)).map((f) => `${dir}threat-reports/${f}`),
  ];
  it('finds the examples', () => assert.equal(files.length, 8, files.join(', ')));
  for (const f of files)
    it(`${f} is valid`, () => {
      const doc = read(f);
      if (doc.type === 'bundle') assert.deepEqual(v.checkBundle(doc), []);
      else {
        // A lone object (interop-objectmarking-test.json) marks with definitions defined elsewhere.
        const known = new Set<string>(doc.object_marking_refs ?? []);
        assert.deepEqual(v.check(doc, { knownMarkings: known }), []);
        // Without them the marking rule fires: references must resolve.
        assert.equal(v.check(doc)[0]?.code, STIX_RULE_VIOLATED);
      }
    });

  it('apt1.json and poisonivy.json hold 76 and 155 objects', () => {
    assert.equal(read(`${dir}threat-reports/apt1.json`).objects.length, 76);
    assert.equal(read(`${dir}threat-reports/poisonivy.json`).objects.length, 155);
  });

  const tlp = 'cti-stix-common-objects/extension-definition-specifications/tlp-2.0/examples/';
  it('the TLP 2.0 marking bundles are valid and equal our fixed objects', () => {
    for (const [f, level] of [
      ['tlp-clear.json', 'clear'],
      ['tlp-amber.json', 'amber'],
    ] as const) {
      const b = read(`${tlp}${f}`);
      assert.deepEqual(v.checkBundle(b), []);
      assert.deepEqual(b.objects[0], tlpMarking(level));
    }
    for (const f of readdirSync(new URL('cti-stix-common-objects/objects/marking-definition/', EXAMPLES))) {
      const b = read(`cti-stix-common-objects/objects/marking-definition/${f}`);
      assert.deepEqual(v.checkBundle(b), []);
      const m = b.objects[0];
      const level = parseTlp(m.name)!;
      assert.equal(TLP_MARKING_IDS[level], m.id);
      assert.deepEqual(m, tlpMarking(level));
    }
  });

  it('the invalid upstream example (using-tlp2.0-green.json) fails: no bundle type, a bad timestamp', () => {
    const b = read(`${tlp}using-tlp2.0-green.json`);
    const issues = v.checkBundle(b);
    assert.ok(issues.some((i) => /"type" must be "bundle"/.test(i.message)));
    const ts = issues.find((i) => i.id === 'relationship--1621d4d4-b67d-11e3-9670-f01faf20d111');
    assert.ok(ts, JSON.stringify(issues));
    assert.equal(ts.code, STIX_SCHEMA_INVALID);
    assert.match(ts.schemaPath!, /sros\/relationship\.json → .*timestamp\.json/);
    assert.match(ts.instancePath!, /\/created$/);
    rejects(() => v.validateBundle(b), STIX_SCHEMA_INVALID, /bundle/);
  });
});

describe('STIX builders', storeIndependent, () => {
  const fbi = ['0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D', 'bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h'];
  const me = identity({ name: 'Exchange A', tlp: 'green' });
  const ind = addressIndicator({ addresses: fbi, createdBy: me.id, tlp: 'amber', confidence: 90 });

  it('produce schema-valid objects of every type, in a valid bundle', () => {
    const objs: StixObject[] = [
      me,
      ind,
      threatActor({ name: 'TraderTraitor', aliases: ['Jade Sleet'] }),
      intrusionSet({ name: 'Lazarus Group' }),
      attackPattern({ name: 'Tampered multisig front end', tlp: 'clear' }),
      campaign({ name: 'Bybit theft', firstSeen: '2025-02-21T14:13:35.000Z' }),
      malware({ name: 'Safe{Wallet} UI injection', malwareTypes: ['trojan'] }),
      courseOfAction({ name: 'Block these addresses', tlp: 'amber+strict' }),
      relationship({ relationshipType: 'indicates', sourceRef: ind.id, targetRef: me.id }),
      sighting({ sightingOfRef: ind.id, whereSightedRefs: [me.id], count: 1 }),
      note({ content: 'acknowledged', objectRefs: [ind.id], tlp: 'red' }),
      cryptocurrencyWallet('1KFHE7w8BhaENAswwryaoccDb6qcT6DbYY'),
      tlpMarking('red'),
    ];
    objs.push(report({ name: 'Incident', objectRefs: objs.map((o) => o.id) }));
    for (const o of objs) assert.deepEqual(v.check(o), [], o.type);
    assert.deepEqual(v.checkBundle(bundle(objs)), []);
  });

  it('use UUIDv4 ids and millisecond UTC timestamps', () => {
    assert.match(ind.id, /^indicator--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(ind['created'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(ind['object_marking_refs'], [TLP_MARKING_IDS.amber]);
  });

  it('give wallet SCOs the deterministic UUIDv5 id (SOURCE.md vector)', () => {
    assert.equal(
      cryptocurrencyWallet('1KFHE7w8BhaENAswwryaoccDb6qcT6DbYY').id,
      'cryptocurrency-wallet--27fadc91-1e1c-5474-988f-07a16840be45',
    );
    // RFC 9562 Appendix A.4 example: DNS namespace, "www.example.com".
    assert.equal(
      uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'),
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('new versions keep id and created and move modified forward', () => {
    const n = newVersion(ind, { confidence: 50 }, new Date(0));
    assert.equal(n.id, ind.id);
    assert.equal(n['created'], ind['created']);
    assert.ok(Date.parse(n['modified'] as string) > Date.parse(ind['modified'] as string));
    assert.deepEqual(v.check(n), []);
  });

  it('address patterns round-trip, with escapes, IN lists and the older `address` property', () => {
    assert.deepEqual(addressesOfPattern(addressPattern(fbi)), { addresses: fbi, screenable: true });
    assert.deepEqual(addressesOfPattern(addressPattern(["a'b\\c"])), {
      addresses: ["a'b\\c"],
      screenable: true,
    });
    assert.deepEqual(
      addressesOfPattern(
        "[cryptocurrency-wallet:address IN ('x', 'y') OR cryptocurrency-wallet:value = 'z']",
      ),
      { addresses: ['x', 'y', 'z'], screenable: true },
    );
    assert.equal(addressesOfPattern("[ipv4-addr:value = '10.0.0.0']"), undefined);
    assert.equal(
      addressesOfPattern("[cryptocurrency-wallet:value = 'x' AND ipv4-addr:value = '1.2.3.4']")?.screenable,
      false,
    );
    assert.equal(
      addressesOfPattern("[cryptocurrency-wallet:value = 'x'] WITHIN 5 SECONDS")?.screenable,
      false,
    );
    rejects(
      () => addressesOfPattern("[cryptocurrency-wallet:value = 'x]"),
      STIX_PATTERN_INVALID,
      /unterminated/,
    );
    rejects(
      () => addressesOfPattern("[cryptocurrency-wallet:value = 'x'"),
      STIX_PATTERN_INVALID,
      /unbalanced/,
    );
  });

  it('TLP helpers parse names and pick the strictest', () => {
    assert.equal(parseTlp('TLP:AMBER+STRICT'), 'amber+strict');
    assert.equal(parseTlp('amber_strict'), 'amber+strict');
    assert.equal(parseTlp('TLP:WHITE'), undefined);
    assert.equal(strictestTlp(['green', 'red', 'amber']), 'red');
  });
});

describe('STIX rules beyond the schemas', storeIndependent, () => {
  const ind = addressIndicator({ addresses: ['0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D'], tlp: 'amber' });

  it('refuses a UUIDv7 id (schema) naming the object and the schema path', () => {
    const bad = { ...ind, id: 'indicator--0190f1c2-7d4e-7abc-8def-0123456789ab' };
    const e = rejects(
      () => v.validate(bad),
      STIX_SCHEMA_INVALID,
      /indicator--0190f1c2.*\/id must match pattern/,
    );
    assert.equal(e.details?.['id'], bad.id);
    assert.match(String(e.details?.['schemaPath']), /sdos\/indicator\.json → .*identifier\.json/);
  });

  it('refuses a bundle with one invalid object, naming it', () => {
    const good = identity({ name: 'A' });
    const bad = { ...ind, confidence: 101 };
    const e = rejects(
      () => v.validateBundle(bundle([good, bad])),
      STIX_SCHEMA_INVALID,
      /confidence must be <= 100/,
    );
    assert.equal(e.details?.['id'], ind.id);
    assert.equal(e.details?.['instancePath'], '/objects/1/confidence');
  });

  it('modified before created', () => {
    rejects(
      () => v.validate({ ...ind, modified: '2000-01-01T00:00:00.000Z' }),
      STIX_RULE_VIOLATED,
      /modified is earlier/,
    );
  });

  it('valid_until not after valid_from', () => {
    rejects(() => v.validate({ ...ind, valid_until: ind['valid_from'] }), STIX_RULE_VIOLATED, /valid_until/);
  });

  it('a marking that resolves nowhere, and one resolved by the bundle', () => {
    const m = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed';
    const marked = { ...ind, object_marking_refs: [m] };
    rejects(() => v.validate(marked), STIX_RULE_VIOLATED, /neither a TLP 2.0 marking/);
    const def = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: m,
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'statement',
      definition: { statement: 'Copyright 2025, Exchange A' },
    };
    assert.deepEqual(v.checkBundle(bundle([def, marked])), []);
    rejects(
      () => v.validate({ ...def, object_marking_refs: [m] }, { knownMarkings: new Set([m]) }),
      STIX_RULE_VIOLATED,
      /cannot mark itself/,
    );
  });

  it('an id whose prefix is not its type (custom types too)', () => {
    rejects(
      () =>
        v.validate({
          ...cryptocurrencyWallet('1KFHE7w8BhaENAswwryaoccDb6qcT6DbYY'),
          id: 'wallet--27fadc91-1e1c-5474-988f-07a16840be45',
        }),
      STIX_RULE_VIOLATED,
      /must start with "cryptocurrency-wallet--"/,
    );
  });

  it('an address pattern with the truncated MSMT line-69 address', () => {
    rejects(
      () => v.validate({ ...ind, pattern: "[cryptocurrency-wallet:value = 'bc1p3xpgvzdp3ns8wnw7a93']" }),
      STIX_RULE_VIOLATED,
      /bc1p3xpgvzdp3ns8wnw7a93.*checksum/,
    );
    rejects(
      () => v.validate({ ...ind, pattern: "[cryptocurrency-wallet:value = 'bc1q" }),
      STIX_PATTERN_INVALID,
      /unterminated/,
    );
  });

  it('not an object at all', () => {
    assert.equal(v.check('indicator')[0]?.code, 'STIX_NOT_AN_OBJECT');
    assert.equal(v.checkBundle([])[0]?.code, 'STIX_NOT_AN_OBJECT');
  });
});
