#!/usr/bin/env node
// Runs Jest for one project. PGlite loads its WebAssembly through dynamic
// import(), which Jest's module sandbox only allows with this Node flag.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [config, ...rest] = process.argv.slice(2);
// Under `npm test`, each project's results go to a file for the summary line.
const resultsDir = process.env.CARETRAIL_JEST_RESULTS;
if (resultsDir) rest.push('--json', `--outputFile=${resultsDir}/${config.replace(/[/.]/g, '_')}.json`);
const result = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    require.resolve('jest/bin/jest'),
    '-c',
    config,
    ...rest,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
