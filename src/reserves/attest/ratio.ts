/**
 * The reserve ratio of one asset: reserves / liabilities, both integers in the asset's base units,
 * as a decimal string with RATIO_DECIMALS digits after the point, rounded DOWN (a ratio shown is
 * never more than the truth: 0.999999 never prints as 1.000000). No floating point anywhere.
 * With no liabilities the ratio is undefined and reported as null.
 */
export const RATIO_DECIMALS = 6;

export function reserveRatio(
  reserves: bigint,
  liabilities: bigint,
  decimals = RATIO_DECIMALS,
): string | null {
  if (reserves < 0n || liabilities < 0n) throw new RangeError('reserves and liabilities are never negative');
  if (liabilities === 0n) return null;
  const scale = 10n ** BigInt(decimals);
  const q = (reserves * scale) / liabilities; // bigint division truncates: floor for non-negatives
  const whole = q / scale;
  const frac = (q % scale).toString().padStart(decimals, '0');
  return decimals === 0 ? whole.toString() : `${whole}.${frac}`;
}

/** True when the ratio string says the reserves cover the liabilities (ratio ≥ 1). */
export function covers(ratio: string | null): boolean {
  return ratio !== null && !ratio.startsWith('0');
}
