/**
 * HTTP adapter benchmark (docs/performance.md, "Express or Fastify"): the same Nest
 * application on @nestjs/platform-express and on @nestjs/platform-fastify, each in a process
 * of its own, answering the API's dose-taken route with the API's validation pipe and DTOs and
 * no store behind it (apps/api/bench/adapter-probe.ts). Same clients, same bodies, same run;
 * the rounds alternate between the adapters.
 *
 * It bounds what moving the API to Fastify could save: the difference in server CPU per request
 * between the two, set beside the API's whole CPU per command in the write-path benchmark.
 *
 *   npm run bench -- --only http-adapter [--events N] [--rounds R] [--clients C]
 *
 * --events N   requests per round of each adapter (default 20,000)
 * --rounds R   measured rounds after one warm-up round (default 3)
 * --clients C  concurrent connections (default 16)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { freePort } from '../support/api-process';
import {
  check,
  compareRounds,
  cpuSecondsOf,
  formatRatio,
  formatStat,
  machine,
  noteChildPeak,
  stat,
  table,
  type Options,
  type Round,
  type Stat,
} from './support/bench';

// autocannon ships no types; the little used here.
const autocannon = require('autocannon') as (options: Record<string, unknown>) => AutocannonInstance;
interface AutocannonInstance extends PromiseLike<{ errors: number; timeouts: number }> {
  on(event: 'response', listener: (client: unknown, statusCode: number) => void): void;
}

const ROOT = resolve(__dirname, '../..');
const RUN_TS = resolve(__dirname, 'support/run-ts.cjs');
const PROBE = resolve(ROOT, 'apps/api/bench/adapter-probe.ts');
const ADAPTERS = ['express', 'fastify'] as const;
type AdapterName = (typeof ADAPTERS)[number];

interface Server {
  adapter: AdapterName;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

interface AdapterResult {
  /** 201 answers per second. */
  perSecond: Stat;
  /** Server CPU (user + system) per request, microseconds. */
  cpuMicrosPerRequest: Stat;
}

export async function run(options: Options): Promise<{ name: string; report: unknown; text: string; ok: boolean }> {
  const perRound = options.int('events', 20_000);
  const rounds = options.int('rounds', 3);
  const clients = options.int('clients', 16);
  const host = machine();
  const servers = [] as Server[];
  try {
    for (const adapter of ADAPTERS) servers.push(await startServer(adapter));
    console.log(`\nhttp-adapter: ${servers.map((s) => `${s.adapter} (pid ${s.pid})`).join(', ')}; ${clients} clients`);
    const cpu = Object.fromEntries(ADAPTERS.map((a) => [a, [] as number[]])) as Record<AdapterName, number[]>;
    const sides = Object.fromEntries(
      servers.map((server) => [
        server.adapter,
        async (round: number): Promise<Round> => {
          const before = cpuSecondsOf(server.pid);
          const result = await load(server.url, clients, perRound);
          const after = cpuSecondsOf(server.pid);
          check(before !== null && after !== null, `the ${server.adapter} server's CPU time could not be read`);
          if (round > 0) cpu[server.adapter].push(((after - before) / result.count) * 1e6);
          return result;
        },
      ]),
    ) as Record<AdapterName, (round: number) => Promise<Round>>;
    const rates = await compareRounds(rounds, sides);
    const results = Object.fromEntries(
      ADAPTERS.map((a) => [a, { perSecond: rates[a], cpuMicrosPerRequest: stat(cpu[a]) }]),
    ) as Record<AdapterName, AdapterResult>;
    const savedMicros = results.express.cpuMicrosPerRequest.median - results.fastify.cpuMicrosPerRequest.median;
    const report = {
      benchmark: 'http-adapter',
      route: 'POST /patients/:patientId/doses/taken, ValidationPipe with RecordDoseTakenDto, no store',
      machine: host,
      options: { requestsPerRound: perRound, rounds, warmUpRounds: 1, clients },
      versions: {
        '@nestjs/platform-express': packageVersion('@nestjs/platform-express'),
        express: packageVersion('express'),
        '@nestjs/platform-fastify': packageVersion('@nestjs/platform-fastify'),
        fastify: packageVersion('fastify'),
      },
      adapters: results,
      fastifyOverExpress: results.fastify.perSecond.median / results.express.perSecond.median,
      cpuMicrosSavedPerRequest: savedMicros,
    };
    const text = [
      `http-adapter (${clients} clients, ${perRound.toLocaleString('en-US')} requests per round, ${rounds} rounds; ${host.cores} cores, ${host.cpuModel})`,
      '',
      table(
        ['adapter', 'requests/s', 'server CPU µs per request'],
        ADAPTERS.map((a) => [a, formatStat(results[a].perSecond), formatStat(results[a].cpuMicrosPerRequest)]),
      ),
      '',
      `Fastify's rate is ${formatRatio(report.fastifyOverExpress)} of Express's; it uses ${savedMicros.toFixed(0)} µs less server CPU per request.`,
    ].join('\n');
    return { name: 'http-adapter', report, text, ok: true };
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function startServer(adapter: AdapterName): Promise<Server> {
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [RUN_TS, PROBE, adapter, String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    noteChildPeak(`${adapter} server`, child.pid);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  };
  const deadline = Date.now() + 60_000;
  while (!output.includes(`listening on ${port}`)) {
    if (child.exitCode !== null) throw new Error(`the ${adapter} server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the ${adapter} server did not listen within 60 s:\n${output}`);
    }
    await sleep(50);
  }
  return { adapter, pid: child.pid!, url: `http://127.0.0.1:${port}`, stop };
}

/** `amount` valid dose-taken requests at `clients` connections; every answer must be 201. */
async function load(url: string, clients: number, amount: number): Promise<Round> {
  const [patientId, medicationId] = [randomUUID(), randomUUID()];
  let count = 0;
  let others = 0;
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const instance = autocannon({
    url: `${url}/patients/${patientId}/doses/taken`,
    method: 'POST',
    connections: clients,
    pipelining: 1,
    amount,
    timeout: 30,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      medicationId,
      scheduledFor: '2026-01-06T08:00:00Z',
      occurredAt: '2026-01-06T08:10:00Z',
    }),
  });
  instance.on('response', (_client, statusCode) => {
    lastAnswer = process.hrtime.bigint();
    if (statusCode === 201) count++;
    else others++;
  });
  const result = await instance;
  check(
    others === 0 && result.errors === 0 && result.timeouts === 0,
    `${others} answers were not 201, ${result.errors} errors, ${result.timeouts} timeouts`,
  );
  return { count, seconds: Number(lastAnswer - started) / 1e9 };
}

function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}
