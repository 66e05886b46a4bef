/**
 * The token's AES-256 key (I/O through a logged-in session): found by CKA_LABEL, or generated
 * in the token as a non-extractable, sensitive, token-resident, unmodifiable key that can only
 * encrypt and decrypt. A key found under the label is checked for the same properties and
 * refused otherwise (fail closed: an extractable key is not a sealing key).
 */
import pkcs11js from 'pkcs11js';
import { KeyStoreErrorCode, keyStoreError } from './errors.ts';
import { pkcs11Error } from './pkcs11-errors.ts';
import type { Handle, Pkcs11 } from './pkcs11-module.ts';

export const AES_KEY_BYTES = 32;

/** The template for generating the sealing key (PKCS#11 v2.40 §4.9, §6.7.2). */
export function sealingKeyTemplate(label: string): pkcs11js.Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE_LEN, value: AES_KEY_BYTES },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_MODIFIABLE, value: false },
    { type: pkcs11js.CKA_COPYABLE, value: false },
    { type: pkcs11js.CKA_ENCRYPT, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: true },
    { type: pkcs11js.CKA_WRAP, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: false },
    { type: pkcs11js.CKA_SIGN, value: false },
    { type: pkcs11js.CKA_VERIFY, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
  ];
}

function findByLabel(lib: Pkcs11, session: Handle, label: string): Handle[] {
  try {
    lib.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_LABEL, value: label },
    ]);
    try {
      return lib.C_FindObjects(session, 2);
    } finally {
      lib.C_FindObjectsFinal(session);
    }
  } catch (e) {
    throw pkcs11Error(e, 'C_FindObjects');
  }
}

/** CK_BBOOL is one byte; CK_ULONG is the platform's unsigned long, little-endian here. */
function readBool(v: Buffer): boolean {
  return v.length > 0 && v[0] !== 0;
}
function readUlong(v: Buffer): number {
  return v.length >= 4 ? v.readUInt32LE(0) : -1;
}

/** The properties a sealing key must have; returns what is wrong, or an empty list. */
export function keyProblems(lib: Pkcs11, session: Handle, key: Handle): string[] {
  let attrs: pkcs11js.TemplateResult;
  try {
    attrs = lib.C_GetAttributeValue(session, key, [
      { type: pkcs11js.CKA_SENSITIVE },
      { type: pkcs11js.CKA_EXTRACTABLE },
      { type: pkcs11js.CKA_TOKEN },
      { type: pkcs11js.CKA_ENCRYPT },
      { type: pkcs11js.CKA_DECRYPT },
      { type: pkcs11js.CKA_VALUE_LEN },
    ]);
  } catch (e) {
    throw pkcs11Error(e, 'C_GetAttributeValue');
  }
  const [sensitive, extractable, token, encrypt, decrypt, valueLen] = attrs.map((a) => a.value);
  const problems: string[] = [];
  if (!sensitive || !readBool(sensitive)) problems.push('not sensitive');
  if (!extractable || readBool(extractable)) problems.push('extractable');
  if (!token || !readBool(token)) problems.push('not a token object');
  if (!encrypt || !readBool(encrypt) || !decrypt || !readBool(decrypt))
    problems.push('cannot encrypt and decrypt');
  if (!valueLen || readUlong(valueLen) !== AES_KEY_BYTES) problems.push('not AES-256');
  return problems;
}

export function findOrCreateKey(
  lib: Pkcs11,
  session: Handle,
  label: string,
  create: boolean,
): { key: Handle; created: boolean } {
  const found = findByLabel(lib, session, label);
  let key: Handle;
  let created = false;
  if (found.length > 1)
    throw keyStoreError(KeyStoreErrorCode.KeyAmbiguous, 'more than one AES key on the token has that label', {
      details: { keyLabel: label },
    });
  if (found.length === 1) key = found[0]!;
  else if (!create)
    throw keyStoreError(KeyStoreErrorCode.KeyNotFound, 'no AES key on the token has that label', {
      details: { keyLabel: label },
    });
  else {
    try {
      key = lib.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, sealingKeyTemplate(label));
    } catch (e) {
      throw pkcs11Error(e, 'C_GenerateKey');
    }
    created = true;
  }
  const problems = keyProblems(lib, session, key);
  if (problems.length > 0)
    throw keyStoreError(
      KeyStoreErrorCode.KeyUnsafe,
      `the token key is unfit for sealing: ${problems.join(', ')}`,
      {
        details: { keyLabel: label, problems },
      },
    );
  return { key, created };
}
