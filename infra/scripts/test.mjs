#!/usr/bin/env node
// `npm test`: provides the services the tests need, runs every project's
// typecheck, lint and tests through Nx, and prints one summary line.
//
// PostgreSQL: DATABASE_URL when set, else the local server on 127.0.0.1:5432;
// with TESTCONTAINERS=1 a throwaway container instead (needs Docker/Podman).
// Each test file works in a schema of its own, so runs never interfere.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const resultsDir = join(root, 'tmp', 'jest-results');
const cleanups = [];

async function providePostgres(env) {
  if (env.TESTCONTAINERS === '1') {
    const { PostgreSqlContainer } = require('@testcontainers/postgresql');
    let container;
    try {
      container = await new PostgreSqlContainer('postgres:15-alpine').withDatabase('test').start();
    } catch (error) {
      throw new Error(
        `TESTCONTAINERS=1 needs a container runtime (Docker or Podman) and none could start PostgreSQL: ${error.message}`,
      );
    }
    cleanups.push(() => container.stop());
    env.DATABASE_URL = container.getConnectionUri();
    console.log(`PostgreSQL container at ${env.DATABASE_URL}`);
    return;
  }
  env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/test';
  const { Client } = require('pg');
  const client = new Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${env.DATABASE_URL} (${error.message}). ` +
        'Start it with `bash infra/postgres/ensure-running.sh`, point DATABASE_URL at a server, ' +
        'or run with TESTCONTAINERS=1.',
    );
  }
}

function summarise() {
  let passed = 0;
  let failed = 0;
  let files = 0;
  for (const name of readdirSync(resultsDir)) {
    const result = JSON.parse(readFileSync(join(resultsDir, name), 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
    files += result.numTotalTestSuites;
  }
  return { passed, failed, files };
}

async function main() {
  const env = { ...process.env, NX_DAEMON: 'false', CARETRAIL_JEST_RESULTS: resultsDir };
  await providePostgres(env);
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const targets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['typecheck', 'lint', 'test'];
  // A hung test must fail the run, not hold CI until its own limit.
  const limitMinutes = Number(env.CARETRAIL_TEST_TIMEOUT_MINUTES ?? 25);
  const nx = spawnSync(
    process.execPath,
    [require.resolve('nx/bin/nx.js'), 'run-many', '-t', ...targets, '--outputStyle=stream', '--skip-nx-cache'],
    { stdio: 'inherit', env, cwd: root, timeout: limitMinutes * 60_000, killSignal: 'SIGKILL' },
  );
  if (nx.error?.code === 'ETIMEDOUT') console.error(`\nThe test run exceeded ${limitMinutes} minutes and was stopped.`);
  const { passed, failed, files } = summarise();
  console.log(`\n${files} test files`);
  console.log(`tests: ${passed} passed, ${failed} failed`);
  return nx.status === 0 && failed === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error.message);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
process.exit(code);
