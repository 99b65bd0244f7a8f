#!/usr/bin/env node
// `npm test`: provides the services the tests need, runs every project's
// typecheck, lint and tests through Nx, and ends with a summary: each failed test, the slowest files, totals.
//
// PostgreSQL: DATABASE_URL when set, else the local server on 127.0.0.1:5432;
// with TESTCONTAINERS=1 a throwaway container instead (needs Docker/Podman;
// infra/scripts/containers.mjs).
// Each test file works in a schema of its own, so runs never interfere.
//
// Kafka: KAFKA_BROKERS when set (a broker you run, e.g. with Docker), else a
// real broker started here on a free port (KAFKA_PORT, or the first free pair
// from 19092): with TESTCONTAINERS=1 in a container (docker-compose.yml's
// image and settings), otherwise with infra/kafka/broker.mjs; stopped at the end,
// also when the run fails or is interrupted. Each test uses topics of its
// own; tests that stop a broker start their own (docs/kafka.md).
//
// Chromium: the admin console's browser tests (test/console) drive Debian's
// Chromium (CHROMIUM_PATH to use another); infra/browser/ensure-chromium.sh
// installs it when missing, else the run stops here saying so.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { startKafkaContainer, startPostgresContainer } from './containers.mjs';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const resultsDir = join(root, 'tmp', 'jest-results');
const cleanups = [];

async function providePostgres(env) {
  if (env.TESTCONTAINERS === '1') {
    const postgres = await startPostgresContainer();
    cleanups.push(postgres.stop);
    env.DATABASE_URL = postgres.url;
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

async function provideKafka(env) {
  if (env.KAFKA_BROKERS) {
    console.log(`Kafka at ${env.KAFKA_BROKERS} (KAFKA_BROKERS)`);
    return;
  }
  const script = await import('../kafka/broker.mjs');
  const port = await kafkaPort(env, script);
  if (env.TESTCONTAINERS === '1') {
    const kafka = await startKafkaContainer({ port });
    cleanups.push(kafka.stop);
    env.KAFKA_BROKERS = kafka.brokers;
    env.CARETRAIL_TEST_KAFKA_PORT = String(port);
    console.log(`Kafka container at ${env.KAFKA_BROKERS}`);
    return;
  }
  let broker;
  try {
    broker = await script.startBroker({ port, fresh: true });
  } catch (error) {
    throw new Error(
      `Could not start the Kafka broker for the tests (${error.message}). Start one yourself and set KAFKA_BROKERS.`,
    );
  }
  cleanups.push(() => script.stopBroker(broker, { keepData: false }));
  env.KAFKA_BROKERS = broker.brokers;
  env.CARETRAIL_TEST_KAFKA_PORT = String(port);
}

/**
 * KAFKA_PORT if given; else the first port pair (broker, controller) from
 * 19092 that this run can claim, so parallel runs on one machine each get a
 * broker of their own. A claim is a file holding the run's pid, created
 * atomically, so two runs starting together never pick the same port. A
 * broker left behind by a run that died (its claim's pid is gone) is
 * stopped and its port reused instead of piling up orphans.
 */
async function kafkaPort(env, { stopBroker, brokerStatus }) {
  if (env.KAFKA_PORT) return Number(env.KAFKA_PORT);
  const claims = join(root, 'infra', 'kafka', '.run', 'test-claims');
  mkdirSync(claims, { recursive: true });
  for (let port = 19092; port < 19192; port += 2) {
    const file = join(claims, String(port));
    const previous = claim(file);
    if (previous === 'taken') continue;
    cleanups.push(async () => rmSync(file, { force: true }));
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
    if (previous === 'stale' && brokerStatus({ port }).running) {
      console.log(`Stopping the Kafka broker on port ${port} left behind by an earlier test run`);
      await stopBroker({ port }, { keepData: false });
      if ((await portFree(port)) && (await portFree(port + 1))) return port;
    }
    rmSync(file, { force: true });
  }
  throw new Error('No free port pair for a Kafka broker between 19092 and 19191; set KAFKA_PORT or KAFKA_BROKERS.');
}

/** 'new' or 'stale' (a dead run's claim, now ours), or 'taken' by a live run. */
function claim(file) {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return 'new';
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  if (pidAlive(Number(readFileSync(file, 'utf8').trim()))) return 'taken';
  writeFileSync(file, `${process.pid}\n`);
  return 'stale';
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Totals over every project's Jest results, with each failure named (file,
 * test, first lines of the message) so the end of a long CI log says what
 * broke, and the slowest files so a run creeping towards its limit shows why.
 */
function summarise() {
  let passed = 0;
  let failed = 0;
  let files = 0;
  const failures = [];
  const durations = [];
  for (const name of readdirSync(resultsDir)) {
    const result = JSON.parse(readFileSync(join(resultsDir, name), 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
    files += result.numTotalTestSuites;
    for (const file of result.testResults ?? []) {
      const path = relative(root, file.name);
      durations.push({ path, ms: (file.endTime ?? 0) - (file.startTime ?? 0) });
      const tests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of tests) failures.push({ path, test: test.fullName, message: test.failureMessages?.[0] });
      if (tests.length === 0 && file.status === 'failed')
        failures.push({ path, test: '(the file)', message: file.message });
    }
  }
  return { passed, failed, files, failures, slowest: durations.sort((a, b) => b.ms - a.ms).slice(0, 8) };
}

function report({ passed, failed, files, failures, slowest }) {
  console.log(
    `\nslowest test files: ${slowest.map(({ path, ms }) => `${path} ${Math.round(ms / 1000)} s`).join(', ')}`,
  );
  for (const { path, test, message } of failures) {
    const excerpt = (message ?? '')
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .slice(0, 12)
      .join('\n    ');
    console.log(`\nFAILED ${path}: ${test}\n    ${excerpt}`);
  }
  console.log(`\n${files} test files`);
  console.log(`tests: ${passed} passed, ${failed} failed`);
}

function provideChromium() {
  const ensured = spawnSync('bash', [join(root, 'infra', 'browser', 'ensure-chromium.sh')], { stdio: 'inherit' });
  if (ensured.status !== 0) {
    throw new Error(
      "No Chromium for the admin console's browser tests (test/console): install Debian's `chromium` package " +
        '(`bash infra/browser/ensure-chromium.sh` as root) or set CHROMIUM_PATH to a Chromium.',
    );
  }
}

async function main() {
  const targets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['typecheck', 'lint', 'test'];
  const env = { ...process.env, NX_DAEMON: 'false', CARETRAIL_JEST_RESULTS: resultsDir };
  if (targets.includes('lint')) {
    // One formatting for every file (`npm run format` applies it).
    const prettier = spawnSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--check', '.'], {
      stdio: 'inherit',
      cwd: root,
    });
    if (prettier.status !== 0) {
      console.error('Some files are not formatted: run `npm run format`.');
      return 1;
    }
  }
  await providePostgres(env);
  if (targets.includes('test')) {
    provideChromium();
    await provideKafka(env);
  }
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  // A hung test must fail the run, not hold CI until its own limit.
  const limitMinutes = Number(env.CARETRAIL_TEST_TIMEOUT_MINUTES ?? 25);
  const nx = spawnSync(
    process.execPath,
    [require.resolve('nx/bin/nx.js'), 'run-many', '-t', ...targets, '--outputStyle=stream', '--skip-nx-cache'],
    { stdio: 'inherit', env, cwd: root, timeout: limitMinutes * 60_000, killSignal: 'SIGKILL' },
  );
  if (nx.error?.code === 'ETIMEDOUT') console.error(`\nThe test run exceeded ${limitMinutes} minutes and was stopped.`);
  const summary = summarise();
  report(summary);
  return nx.status === 0 && summary.failed === 0 ? 0 : 1;
}

// Ctrl-C or a CI cancel reaches Nx and the tests too; this process only has
// to survive the signal long enough to stop the services it started.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => console.error(`\n${signal}: stopping the test services`));

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error.message);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
process.exit(code);
