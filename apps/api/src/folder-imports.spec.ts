import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = __dirname;

/** The first folder under src/ a file lives in; files directly in src/ compose the app. */
const folderOf = (file: string): string => {
  const [first, ...rest] = relative(SRC, file).split('/');
  return rest.length === 0 ? '(root)' : first!;
};

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/** Folder → the folders its files import (type imports included). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    for (const [, path] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const to = folderOf(resolve(dirname(file), path!));
      if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

describe('the folders of apps/api/src', () => {
  it('import in one direction: no folder imports one that imports it back, even through others', () => {
    const graph = folderGraph();
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...(graph.get(from) ?? [])].some(
        (next) => next === to || (!seen.has(next) && seen.add(next) && reaches(next, to, seen)),
      );
    const cycles = [...graph].flatMap(([from, targets]) =>
      [...targets].filter((to) => reaches(to, from)).map((to) => `${from} -> ${to}`),
    );
    expect(cycles).toEqual([]);
  });

  it('keep the HTTP edge free of the features it serves', () => {
    expect([...(folderGraph().get('http') ?? [])].sort()).toEqual(['config']);
  });
});
