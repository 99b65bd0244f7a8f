/** One progress line of `store export` and `store import`: where, how far, how fast. */
export function rateLine(
  label: string,
  { section, done, total }: { section: string; done: number; total: number },
  startedAt: number,
): string {
  const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `${label}: ${section}, ${done.toLocaleString('en')} of ${total.toLocaleString('en')} (${percent}%), ${Math.round(done / seconds).toLocaleString('en')}/s`;
}
