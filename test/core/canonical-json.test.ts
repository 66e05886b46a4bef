import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, InvalidInputError } from '../../src/core/index.ts';

// RFC 8785 §3.2.2 / Appendix B examples.
test('RFC 8785: key order by UTF-16 code units, number serialisation as ECMAScript', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'] }), '{"a":[true,null,"x"],"b":1}');
  assert.equal(
    // biome-ignore lint/correctness/noPrecisionLoss: the RFC's own example literal
    canonicalJson({ numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001] }),
    '{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}',
  );
  assert.equal(
    canonicalJson({ '\u20ac': 1, '\r': 2, '1': 3, '\ud83d\ude00': 4, '\u00f6': 5 }),
    '{"\\r":2,"1":3,"ö":5,"€":1,"😀":4}',
  );
  assert.equal(canonicalJson({ s: '\u2028\u0007"' }), '{"s":"\u2028\\u0007\\""}');
});

test('values JSON cannot carry are refused, not dropped', () => {
  assert.throws(() => canonicalJson({ a: Number.NaN }), InvalidInputError);
  assert.throws(() => canonicalJson({ a: undefined }), /\$\.a has type undefined/);
  assert.throws(() => canonicalJson({ a: 1n }), /bigint/);
});
