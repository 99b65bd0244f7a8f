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
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '../../..');
const { transformSync } = require('@swc/core');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));

process.setSourceMapsEnabled(true);
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs', ignoreDynamic: true },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
      baseUrl: root,
      paths: compilerOptions.paths,
    },
  });
  module._compile(code, filename);
};

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
