// The vendored OASIS STIX 2.1 schemas (src/alliance/stix/schemas, a runtime dependency) must stay
// byte-identical to ../shared/vectors/stix2-schemas/schemas, so they cannot drift.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SCHEMA_DIR, SCHEMA_FOLDERS } from '../../src/alliance/stix/index.ts';
import { storeIndependent } from '../support/passes.ts';

const SHARED = fileURLToPath(new URL('../../../shared/vectors/stix2-schemas/schemas/', import.meta.url));

describe('vendored STIX schemas', storeIndependent, () => {
  it('hold exactly the files of the vectors folder, byte for byte', () => {
    assert.deepEqual(readdirSync(SHARED).sort(), [...SCHEMA_FOLDERS].sort());
    let n = 0;
    for (const folder of SCHEMA_FOLDERS) {
      const theirs = readdirSync(`${SHARED}${folder}`).sort();
      const ours = readdirSync(`${SCHEMA_DIR}${folder}`).sort();
      assert.deepEqual(ours, theirs, `files in ${folder}/`);
      for (const f of theirs) {
        assert.ok(
          readFileSync(`${SCHEMA_DIR}${folder}/${f}`).equals(readFileSync(`${SHARED}${folder}/${f}`)),
          `${folder}/${f} differs from the vectors copy`,
        );
        n++;
      }
    }
    assert.equal(n, 57);
  });

  it('keep the OASIS licence beside them', () => {
    assert.match(readFileSync(`${SCHEMA_DIR}LICENSE`, 'utf8'), /BSD|Redistribution/);
  });
});
