/**
 * `assert.rejects(p, hasCode('X'))` / `assert.throws(f, hasCode('X'))`: the error carries that
 * stable code; on a mismatch the assertion shows the code it got and the error's message.
 */
import assert from 'node:assert/strict';

export const hasCode = (c: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, c, (e as Error).message);
  return true;
};
