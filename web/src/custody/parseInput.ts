/**
 * The pasted or dropped text, read as JSON, with an error that names what is wrong and where
 * (line and column), and a check that it looks like Safe transactions at all.
 */
import { isRecord } from '../api.ts';
import { jsonErrorAt } from './jsonErrorAt.ts';

export type Parsed = { ok: true; value: unknown } | { ok: false; problem: { code: string; message: string } };

export function parseTransactionJson(text: string): Parsed {
  if (text.trim() === '') {
    return {
      ok: false,
      problem: {
        code: 'INPUT_EMPTY',
        message: 'Paste a Safe Transaction Service record or list response, or drop a .json file.',
      },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const { line, column } = jsonErrorAt(text);
    const near = text.split('\n')[line - 1]?.trim() ?? '';
    return {
      ok: false,
      problem: {
        code: 'JSON_INVALID',
        message: `The input is not valid JSON at line ${line}, column ${column} (near “${near.slice(0, 60)}”): ${(e as Error).message}`,
      },
    };
  }
  const items = Array.isArray(value)
    ? value
    : isRecord(value) && Array.isArray(value['results'])
      ? value['results']
      : [value];
  if (items.length === 0) {
    return { ok: false, problem: { code: 'INPUT_EMPTY', message: 'The list holds no transaction.' } };
  }
  if (!items.some((x) => isRecord(x))) {
    return {
      ok: false,
      problem: {
        code: 'NOT_A_SAFE_TRANSACTION',
        message:
          'The JSON is not a Safe transaction: expected an object with to, value, data, operation, …, nonce (or a list of them, or a list response with "results").',
      },
    };
  }
  return { ok: true, value };
}
