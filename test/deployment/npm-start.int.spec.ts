import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePortPair } from '@caretrail/integration/testing';
import { ROOT } from './deployment-files';

/*
 * `npm start` (infra/scripts/start.mjs) stops with its API (docs/deployment.md, "npm start"): a
 * SIGTERM to it, or the end of the shell that started it, leaves no API holding the port or the
 * embedded store's lock in DATA_DIR, so the next start on the same data directory succeeds.
 */

/** Whether nothing listens on the port: binding it succeeds. */
const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean | Promise<boolean>, output: () => string): Promise<void> {
  // A start builds the API first: on a busy machine that alone can take a minute.
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within 150 s:\n${output()}`);
}

interface Started {
  /** The process we started: start.mjs itself, or the shell that runs it. */
  child: ChildProcess;
  /** The API process start.mjs runs. */
  apiPid: number;
  output: () => string;
}

/** Starts `node infra/scripts/start.mjs` (under `sh -c` when `viaShell`) and waits for /health. */
async function start(port: number, dataDir: string, viaShell: boolean): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env['DATABASE_URL'];
  // `; exit` keeps the shell as start.mjs's parent instead of exec'ing it.
  const child = viaShell
    ? spawn('sh', ['-c', `${process.execPath} infra/scripts/start.mjs; exit $?`], { cwd: ROOT, env })
    : spawn(process.execPath, ['infra/scripts/start.mjs'], { cwd: ROOT, env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const read = (): string => output;
  await until(
    'GET /health answering 200',
    () =>
      fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      ),
    read,
  );
  // The API is start.mjs's child; among the running APIs it is the one started with this PORT.
  const apiPid = Number(
    spawnSync('pgrep', ['-f', `^${process.execPath} .*dist/apps/api/apps/api/src/main.js`], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .find((pid) => spawnSync('cat', [`/proc/${pid}/environ`], { encoding: 'utf8' }).stdout.includes(`PORT=${port}`)),
  );
  expect(apiPid).toBeGreaterThan(0);
  return { child, apiPid, output: read };
}

async function expectStopped(started: Started, port: number): Promise<void> {
  await until('the API process ending', () => !isRunning(started.apiPid), started.output);
  expect(await portIsFree(port)).toBe(true);
}

describe('npm start', () => {
  let dataDir: string;
  let port: number;
  const running: ChildProcess[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'caretrail-start-'));
    port = await freePortPair();
  });
  afterEach(async () => {
    for (const child of running.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops its API on SIGTERM: the port is free and the data directory opens again', async () => {
    const first = await start(port, dataDir, false);
    running.push(first.child);
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGTERM');
    await exited;
    await expectStopped(first, port);

    const second = await start(port, dataDir, false);
    running.push(second.child);
    expect(second.apiPid).not.toBe(first.apiPid);
  }, 600_000);

  it('stops its API when the shell that started it is killed', async () => {
    const first = await start(port, dataDir, true);
    first.child.kill('SIGKILL');
    await expectStopped(first, port);

    const second = await start(port, dataDir, false);
    running.push(second.child);
    expect(second.apiPid).not.toBe(first.apiPid);
  }, 600_000);
});
