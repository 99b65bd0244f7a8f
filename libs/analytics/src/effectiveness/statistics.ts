/** The few statistics the report needs, deterministic to the last digit (same input, same bytes). */

/** A proportion with its 95 % Wilson score interval (Wilson, 1927): sound for small n and for 0 or n events. */
export interface Proportion {
  /** Patients (or adjustments) in the denominator. */
  n: number;
  events: number;
  /** events / n, null when n = 0. */
  rate: number | null;
  /** 95 % confidence interval, null when n = 0. */
  ci95: [number, number] | null;
}

/** z for a two-sided 95 % interval. */
const Z = 1.959964;

export function wilson(events: number, n: number): Proportion {
  if (n === 0) return { n, events, rate: null, ci95: null };
  const p = events / n;
  const z2 = Z * Z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { n, events, rate: round(p), ci95: [round(Math.max(0, centre - half)), round(Math.min(1, centre + half))] };
}

/** A mean with the number of values behind it (null without values). */
export interface Mean {
  n: number;
  mean: number | null;
}

export function mean(values: readonly number[]): Mean {
  if (values.length === 0) return { n: 0, mean: null };
  let sum = 0;
  for (const v of values) sum += v;
  return { n: values.length, mean: round(sum / values.length) };
}

/** Rounded to 4 decimals, so that every output format shows the same figure. */
export function round(x: number, decimals = 4): number {
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}
