/**
 * The regimen on a day (docs/clinical-rules.md, "Regimen on a day"): the one set by the adjustment
 * with the latest effective date on or before that day, ties going to the one recorded later; before
 * any adjustment, the prescription's. A cancelled adjustment never takes effect. The write side, the
 * plan view, adherence (PDC) and time travel all ask this module, so they cannot disagree.
 *
 * `effectiveOf` maps a change to something ordered: epoch milliseconds for an instant (the plan view,
 * the write side) or a local `YYYY-MM-DD` date (adherence counts calendar days).
 */
/** A change may carry `cancelled: true` (withdrawn before it took effect); anything else about it is the caller's. */
export type RegimenChange = { readonly cancelled?: boolean };

const isCancelled = (change: object): boolean => (change as RegimenChange).cancelled === true;

/** The change in effect at `at`; `changes` are in recording order. null: none yet (the prescription applies). */
export function changeInEffect<C extends object, K extends number | string>(
  changes: readonly C[],
  effectiveOf: (change: C) => K,
  at: K,
): C | null {
  let inEffect: { change: C; from: K } | null = null;
  for (const change of changes) {
    if (isCancelled(change)) continue;
    const from = effectiveOf(change);
    // `>=` keeps the later recorded of two changes effective on the same date.
    if (from <= at && (inEffect === null || from >= inEffect.from)) inEffect = { change, from };
  }
  return inEffect?.change ?? null;
}

/** Changes still ahead of `at`, soonest first; of two on the same date, the one that will apply (recorded later) first. */
export function pendingChanges<C extends object, K extends number | string>(
  changes: readonly C[],
  effectiveOf: (change: C) => K,
  at: K,
): C[] {
  return changes
    .map((change, recorded) => ({ change, recorded, from: effectiveOf(change) }))
    .filter(({ change, from }) => !isCancelled(change) && from > at)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : b.recorded - a.recorded))
    .map(({ change }) => change);
}
