#!/usr/bin/env node
// `npm run bench`: runs the benchmarks in test/bench (docs/performance.md).
//
//   npm run bench -- [--only event-store] [--events N] [--rounds R] [--backend postgres|pglite|all]
//   npm run bench -- --scale     every benchmark, the projections at 100k, 1M and 5M events
//
// A run of every benchmark ends with the health-system scale table, each
// figure from this run beside its goal (test/bench/support/scale-summary.ts),
// also written to bench-results/scale-summary.md.
//
// Each test/bench/<name>.bench.ts exports `run(options)`; its JSON goes to
// bench-results/<name>.json and its table to the terminal. TypeScript is
// compiled in memory by SWC (the toolchain Jest and the build use), the
// workspace path aliases coming from tsconfig.base.json. Profile with
// `node --cpu-prof infra/scripts/bench.mjs ...`.
import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
require('./register-ts.cjs');

const argv = process.argv.slice(2);
let only;
const onlyAt = argv.indexOf('--only');
if (onlyAt >= 0) [, only] = argv.splice(onlyAt, 2);

const benchDir = join(root, 'test/bench');
const names = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((name) => only === undefined || name === only)
  .sort();
if (names.length === 0) {
  console.error(`no benchmark ${only ?? ''} in test/bench`);
  process.exit(2);
}

const { parseOptions, writeJson, startMemoryRecord, memoryReport, memoryTable } = require(
  join(benchDir, 'support/bench.ts'),
);
const options = parseOptions(argv);
const reports = {};
let failed = false;
for (const name of names) {
  try {
    startMemoryRecord();
    const { report, text, ok } = await require(join(benchDir, `${name}.bench.ts`)).run(options);
    // Every benchmark's JSON and output end with the peak RSS of its processes (docs/performance.md).
    const memory = memoryReport();
    const out = join(root, 'bench-results', `${name}.json`);
    writeJson(out, { ...report, memory });
    reports[name] = report;
    console.log(`\n${text}\n\nPeak memory:\n\n${memoryTable(memory)}\n\nJSON: ${out}`);
    if (!ok) {
      console.log(`${name}: a target was missed (see docs/performance.md)`);
    }
  } catch (error) {
    failed = true;
    console.error(`${name} failed:`, error);
  }
}
if (only === undefined) {
  const summary = require(join(benchDir, 'support/scale-summary.ts')).scaleSummary(reports);
  const out = join(root, 'bench-results', 'scale-summary.md');
  writeFileSync(out, `${summary}\n`);
  console.log(`\n${summary}\n\nMarkdown: ${out}`);
}
process.exit(failed ? 1 : 0);
