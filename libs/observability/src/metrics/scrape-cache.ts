/** How long a gauge that needs a query keeps its answer: scrapes closer together than this share one. */
export const SCRAPE_CACHE_MS = 2_000;

/**
 * `load` at most once per `ms`: gauges that need a query (lag, parked
 * events) are computed when Prometheus scrapes, not on a timer, and two
 * scrapers (or a scrape and a dashboard refresh) within `ms` share the
 * answer. A failed load is not kept: the next scrape tries again.
 */
export function cachedFor<T>(ms: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    const at = now();
    if (cached && at - cached.at < ms) return cached.value;
    const value = load();
    const entry = { at, value };
    cached = entry;
    value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return value;
  };
}
