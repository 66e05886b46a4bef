/**
 * Polynomial and commitment arithmetic that refresh and repair need and that noble keeps internal.
 * All arithmetic goes through the suite's scalar field (`Fn`) and group (`Point`) from
 * @noble/curves; nothing here reduces a bigint by hand.
 */
import { InvalidInputError } from '../../core/index.ts';
import type { GroupConstructor, GroupElement, ScalarField } from './suites.ts';

/** RFC 9591 Appendix C.1 polynomial_evaluate(x, coeffs): Horner's rule, coeffs[0] the constant term. */
export function evaluatePolynomial(Fn: ScalarField, coefficients: readonly bigint[], x: bigint): bigint {
  let value = Fn.ZERO;
  for (let i = coefficients.length - 1; i >= 0; i--) {
    value = Fn.add(Fn.mul(value, x), coefficients[i] as bigint);
  }
  return value;
}

/**
 * The Lagrange coefficient of `xi` over the set `xs`, for interpolation at `at`:
 * prod_{x in xs, x != xi} (at - x) / (xi - x).
 * With at = 0 this is RFC 9591 §4.2 derive_interpolating_value; the repairable threshold scheme
 * (Laing & Stinson 2017) evaluates at the identifier of the share being repaired.
 */
export function lagrangeCoefficient(Fn: ScalarField, xs: readonly bigint[], xi: bigint, at: bigint): bigint {
  if (new Set(xs).size !== xs.length || !xs.includes(xi)) {
    throw new InvalidInputError(
      'FROST_INVALID_PARTICIPANTS',
      'interpolation set has duplicates or misses xi',
    );
  }
  let num = Fn.ONE;
  let den = Fn.ONE;
  for (const x of xs) {
    if (Fn.eql(x, xi)) continue;
    num = Fn.mul(num, Fn.sub(at, x));
    den = Fn.mul(den, Fn.sub(xi, x));
  }
  return Fn.div(num, den);
}

/**
 * The public image of a VSS polynomial at x: sum_k commitment[k] * x^k (RFC 9591 Appendix C.2,
 * the right-hand side of vss_verify). Inputs are public, so variable-time multiplication is fine.
 */
export function evaluateCommitment(
  Point: GroupConstructor,
  Fn: ScalarField,
  commitment: readonly GroupElement[],
  x: bigint,
): GroupElement {
  let acc = Point.ZERO;
  let power = Fn.ONE;
  for (const c of commitment) {
    acc = acc.add(c.multiplyUnsafe(power));
    power = Fn.mul(power, x);
  }
  return acc;
}
