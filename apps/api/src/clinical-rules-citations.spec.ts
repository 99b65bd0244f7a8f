import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/clinical-rules.md is the one place the clinical rules are defined: every code comment that
 * cites it names one of its sections, and nothing cites documents outside the repository.
 */
const ROOT = join(__dirname, '../../..');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.name === 'node_modules'
      ? []
      : entry.isDirectory()
        ? sources(join(dir, entry.name))
        : /\.(ts|md)$/.test(entry.name)
          ? [join(dir, entry.name)]
          : [],
  );
const files = ['apps', 'libs', 'docs']
  .flatMap((dir) => sources(join(ROOT, dir)))
  .filter((file) => !file.endsWith('clinical-rules-citations.spec.ts'));
const sections = new Set(
  [...readFileSync(join(ROOT, 'docs/clinical-rules.md'), 'utf8').matchAll(/^## (.+)$/gm)].map((m) => m[1]!),
);

describe('citations of the clinical rules', () => {
  it('docs/clinical-rules.md has a section for every definition the issue lists', () =>
    expect([...sections]).toEqual(
      expect.arrayContaining([
        'Days and time zones',
        'Regimen on a day',
        'PDC',
        'Adherence threshold',
        'Late and recorded late',
        'Attendance',
        'PHQ-9 response and remission',
        'Week-8 not improving',
        'Follow-up gap',
        'Baseline window',
        'Urgent side effects',
        'GAD-7 bands',
      ]),
    ));

  it('every "docs/clinical-rules.md, "<section>"" citation names an existing section', () => {
    const cited = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/docs\/clinical-rules\.md,? \(?"([^"]+)"/g)].map((m) => m[1]!),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((section) => !sections.has(section))).toEqual([]);
  });

  it('no file cites the DOMAIN or ARCHITECTURE documents, which are not in the repository', () => {
    const stale = ['DOMAIN', 'ARCHITECTURE'].map((name) => `${name}.md`);
    const citing = files.filter(
      (file) =>
        !file.endsWith('clinical-rules-citations.spec.ts') && stale.some((n) => readFileSync(file, 'utf8').includes(n)),
    );
    expect(citing).toEqual([]);
  });
});
