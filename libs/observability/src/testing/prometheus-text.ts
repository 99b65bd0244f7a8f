// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the package has no types: this declares them wherever the file is compiled
/// <reference path="./parse-prometheus-text-format.d.ts" />
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export type MetricFamily = ReturnType<typeof parsePrometheusTextFormat>[number];

/** A `/metrics` answer, parsed (not matched with a regex), by family name. */
export function parseMetrics(text: string): Map<string, MetricFamily> {
  return new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
}

/**
 * The sum of a counter's or gauge's samples whose labels include `labels`
 * (0 when there is none). The parser keeps no labels of a labelled
 * histogram's samples, so the product pairs each histogram it needs to
 * count with a counter.
 */
export function sampleSum(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.get(name);
  if (!family) throw new Error(`no metric ${name} in the answer (has: ${[...families.keys()].join(', ')})`);
  return family.metrics
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value))
    .reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
}
