/**
 * The OASIS STIX 2.1 JSON schemas, read from the vendored copy beside this file
 * (`./schemas/`, oasis-open/cti-stix2-json-schemas @ 3bf9e69d, BSD-3-Clause; see schemas/SOURCE.md).
 * They are a runtime dependency: no npm package ships them, and `../shared/vectors` exists only
 * beside CI. A test keeps the copy byte-identical to the vectors folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SCHEMA_DIR = fileURLToPath(new URL('./schemas/', import.meta.url));
export const SCHEMA_ID_PREFIX =
  'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
export const SCHEMA_FOLDERS = ['common', 'sdos', 'sros', 'observables'] as const;

export interface SchemaFile {
  /** e.g. `sdos/indicator.json` */
  path: string;
  schema: Record<string, unknown>;
}

export function loadStixSchemas(dir: string = SCHEMA_DIR): SchemaFile[] {
  const out: SchemaFile[] = [];
  for (const folder of SCHEMA_FOLDERS)
    for (const f of readdirSync(`${dir}${folder}`).sort())
      if (f.endsWith('.json'))
        out.push({
          path: `${folder}/${f}`,
          schema: JSON.parse(readFileSync(`${dir}${folder}/${f}`, 'utf8')) as Record<string, unknown>,
        });
  return out;
}
