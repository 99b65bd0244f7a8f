#!/usr/bin/env node
// Runs a TypeScript module of the workspace in a process of its own, the way
// infra/scripts/bench.mjs loads benchmarks: SWC compiles it in memory and the
// workspace path aliases resolve to the libraries' sources. Benchmarks use it
// for child processes (a projector whose peak RSS is measured alone).
//
//   node test/bench/support/run-ts.cjs <module.ts> [args...]
//
// The module's exported `main(args)` runs; its resolved value is printed as
// one JSON line on stdout.
const { resolve } = require('node:path');

require('../../../infra/scripts/register-ts.cjs');

const [file, ...args] = process.argv.slice(2);
Promise.resolve()
  .then(() => require(resolve(file)).main(args))
  .then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result ?? null)}\n`);
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
