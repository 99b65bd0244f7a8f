#!/usr/bin/env node
// A real single-node Apache Kafka broker (KRaft, no ZooKeeper, no Docker) for
// local development and tests. See docs/kafka.md.
//
//   node infra/kafka/broker.mjs start [--fresh] [--timeout <s>]
//   node infra/kafka/broker.mjs stop [--delete]
//   node infra/kafka/broker.mjs status
//   node infra/kafka/broker.mjs resolve        # only fetch the jars
//
// Ports: KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default KAFKA_PORT+1,
// i.e. 9093). Each broker port has its own run directory infra/kafka/.run/<port>/
// (server.properties, data/, logs/server.log, broker.pid), so parallel runs on
// different ports never share state.
//
// From Node:
//   import { startBroker, stopBroker } from './infra/kafka/broker.mjs';
//   const broker = await startBroker({ port: 19092, fresh: true });
//   process.env.KAFKA_BROKERS = broker.brokers;
//   ...
//   await stopBroker(broker);                     // deletes the run dir
//   await stopBroker(broker, { keepData: true }); // restartable with same data

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(HERE, 'pom.xml');
const LOG4J_CONFIG = path.join(HERE, 'log4j2.yaml');
const CACHE_DIR = path.join(HERE, '.cache');
const LIBS_DIR = path.join(CACHE_DIR, 'libs');
// Written last, after a complete and verified copy: its presence (with the
// pom's hash) is the only thing the fast path trusts.
const STAMP_FILE = path.join(LIBS_DIR, '.stamp');
const RUN_ROOT = path.join(HERE, '.run');

const DEFAULT_PORT = 9092;
const DEFAULT_START_TIMEOUT_MS = 90_000;
const DEFAULT_STOP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------
// Jars

/**
 * Make sure the broker jars are in infra/kafka/.cache/libs and return that
 * directory. Fast path: when the stamp matches the pom, Maven is not run.
 * @param {{ log?: (msg: string) => void }} [options]
 * @returns {Promise<string>}
 */
export async function resolveJars({ log = defaultLog } = {}) {
  const wanted = pomHash();
  if (readStamp() === wanted) return LIBS_DIR;

  // Resolve into a private directory and rename it into place, so that an
  // interrupted Maven run or two test runs resolving at the same time never
  // leave a half-filled libs/ that the fast path would then trust, and jars of
  // an older Kafka version never linger next to new ones on the `libs/*`
  // classpath.
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(CACHE_DIR, 'libs-tmp-'));
  const started = Date.now();
  log(`resolving Kafka jars with Maven (first run only; cached in ${rel(LIBS_DIR)}) ...`);
  const mvn = process.env.MVN || 'mvn';
  const result = await run(mvn, ['-q', '-B', '-f', POM, `-Dkafka.libs.dir=${tmp}`, 'dependency:copy-dependencies']);
  if (result.error?.code === 'ENOENT') {
    rmrf(tmp);
    throw new Error(
      `Maven ('${mvn}') is not installed or not on PATH; it is needed once to fetch the Kafka broker jars from Maven Central (set MVN to its path if it lives elsewhere).`,
    );
  }
  if (result.code !== 0) {
    rmrf(tmp);
    throw new Error(`Maven failed to resolve the Kafka jars (exit ${result.code}).\n${tail(result.output, 40)}`);
  }
  const jars = fs.readdirSync(tmp).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => /^kafka_2\.13-.*\.jar$/.test(j)) || !jars.some((j) => j.startsWith('log4j-slf4j-impl-'))) {
    rmrf(tmp);
    throw new Error(`Maven finished but ${rel(tmp)} lacks kafka_2.13 or log4j-slf4j-impl (got: ${jars.join(', ')})`);
  }
  fs.writeFileSync(path.join(tmp, '.stamp'), wanted);

  if (readStamp() === wanted) {
    rmrf(tmp); // someone else finished first with the same pom
  } else {
    const old = `${LIBS_DIR}-old-${process.pid}`;
    if (fs.existsSync(LIBS_DIR)) fs.renameSync(LIBS_DIR, old);
    try {
      fs.renameSync(tmp, LIBS_DIR);
    } catch (err) {
      if (readStamp() !== wanted) throw err;
      rmrf(tmp);
    }
    rmrf(old);
  }
  log(`resolved ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return LIBS_DIR;
}

function pomHash() {
  return createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
}

function readStamp() {
  try {
    return fs.readFileSync(STAMP_FILE, 'utf8').trim();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Broker lifecycle

/**
 * @typedef {object} BrokerHandle
 * @property {string} brokers         "127.0.0.1:<port>", the value for KAFKA_BROKERS
 * @property {number} port
 * @property {number} controllerPort
 * @property {number} pid             the java process
 * @property {string} runDir
 * @property {string} logFile         the broker's log4j log (server.log)
 * @property {string} clusterId
 * @property {boolean} alreadyRunning true if a broker of this run dir was already up and was reused
 * @property {boolean} formatted      true if the storage was formatted by this call (fresh data)
 * @property {number} readyMs         time from call to ready
 */

/**
 * Start (or reuse) the broker for a port and wait until it serves requests.
 *
 * @param {object} [options]
 * @param {number} [options.port]            PLAINTEXT port; default $KAFKA_PORT or 9092
 * @param {number} [options.controllerPort]  KRaft controller port; default $KAFKA_CONTROLLER_PORT or port+1
 * @param {string} [options.runDir]          default infra/kafka/.run/<port>
 * @param {boolean} [options.fresh]          stop any broker of this run dir and delete its data first (default false: reuse formatted storage)
 * @param {number} [options.timeoutMs]       readiness timeout (default 90000)
 * @param {string} [options.heap]            JVM -Xmx (default "512m")
 * @param {boolean} [options.warmup]         also wait until the group coordinator and idempotent-producer ids are available (default true)
 * @param {Record<string,string|number|boolean>} [options.config] extra/overriding server.properties entries
 * @param {(msg: string) => void} [options.log] progress messages (default: stderr; pass () => {} to silence)
 * @returns {Promise<BrokerHandle>}
 */
export async function startBroker(options = {}) {
  const t0 = Date.now();
  const log = options.log ?? defaultLog;
  const port = toPort(options.port ?? process.env.KAFKA_PORT ?? DEFAULT_PORT, 'port');
  const controllerPort = toPort(
    options.controllerPort ?? process.env.KAFKA_CONTROLLER_PORT ?? port + 1,
    'controllerPort',
  );
  if (port === controllerPort) throw new Error(`Kafka port and controller port must differ (both ${port})`);
  const runDir = path.resolve(options.runDir ?? path.join(RUN_ROOT, String(port)));
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const paths = runPaths(runDir);
  const brokers = `127.0.0.1:${port}`;

  if (options.fresh) {
    const running = runningPid(paths);
    if (running) await terminate(running, DEFAULT_STOP_TIMEOUT_MS, log);
    rmrf(runDir);
  }

  // A broker of this very run dir (started earlier by the CLI, or orphaned by
  // a crashed test run) is reused rather than reported as a port conflict.
  const existing = runningPid(paths);
  if (existing) {
    const clusterId = readClusterId(paths) ?? 'unknown';
    await waitReady({
      brokers,
      pid: existing,
      paths,
      deadline: Date.now() + timeoutMs,
      warmup: options.warmup !== false,
    });
    log(`Kafka broker already running (pid ${existing}) at ${brokers}`);
    return {
      brokers,
      port,
      controllerPort,
      pid: existing,
      runDir,
      logFile: paths.serverLog,
      clusterId,
      alreadyRunning: true,
      formatted: false,
      readyMs: Date.now() - t0,
    };
  }

  // Fail before spending seconds on a JVM that would die on bind() anyway,
  // and say who holds the port.
  for (const [p, what] of [
    [port, 'Kafka port (KAFKA_PORT)'],
    [controllerPort, 'controller port (KAFKA_CONTROLLER_PORT)'],
  ]) {
    if (!(await portFree(p))) {
      throw new Error(
        `${what} ${p} on 127.0.0.1 is already in use by another process${describePortHolder(p)}; ` +
          'it is not a broker started from this run directory. Stop it, or choose other ports with KAFKA_PORT / KAFKA_CONTROLLER_PORT.',
      );
    }
  }

  const libs = await resolveJars({ log });
  const java = javaBin();

  fs.mkdirSync(paths.logsDir, { recursive: true });
  // Rewritten on every start so that a port or option change applies; the
  // storage itself (data/) is kept. The KRaft voter set stores the controller
  // endpoint, so a reused data dir must keep its controller port.
  const previousCtl = readPreviousControllerPort(paths);
  if (previousCtl != null && previousCtl !== controllerPort && fs.existsSync(paths.metaProps)) {
    throw new Error(
      `${rel(runDir)} was formatted for controller port ${previousCtl}, not ${controllerPort}; start with the same controller port or with fresh: true / --fresh.`,
    );
  }
  fs.writeFileSync(
    paths.serverProps,
    serverProperties({ port, controllerPort, dataDir: paths.dataDir, extra: options.config }),
  );

  let clusterId = readClusterId(paths);
  let formatted = false;
  if (!clusterId) {
    clusterId = newClusterId();
    // With a static quorum (controller.quorum.voters) Kafka 4.x formats with
    // plain `format -t -c`; --standalone / --initial-controllers are only for
    // the dynamic quorum (controller.quorum.bootstrap.servers) and are
    // rejected together with controller.quorum.voters.
    const fmt = await run(java, [
      '-cp',
      path.join(libs, '*'),
      ...logOpts(paths),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      paths.serverProps,
    ]);
    if (fmt.code !== 0) {
      throw new Error(`kafka-storage format failed (exit ${fmt.code}):\n${tail(fmt.output, 30)}`);
    }
    formatted = true;
  }

  // One start per log file, so the tail printed on failure is about this
  // start and not an older run; the previous one is kept for comparison.
  for (const f of [paths.serverLog, paths.stdoutLog]) {
    if (fs.existsSync(f)) fs.renameSync(f, f.replace(/\.log$/, '.previous.log'));
  }
  const out = fs.openSync(paths.stdoutLog, 'a');
  const child = spawn(
    java,
    [
      `-Xmx${options.heap ?? '512m'}`,
      // The flags of Kafka's own kafka-run-class.sh that matter for a
      // latency-sensitive broker; headless because there is no display.
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-Djava.awt.headless=true',
      ...logOpts(paths),
      '-cp',
      path.join(libs, '*'),
      'kafka.Kafka',
      paths.serverProps,
    ],
    {
      cwd: runDir,
      // Own process group and no pipes to us: `broker.mjs start` must be able to
      // exit while the broker keeps running, and a Ctrl-C in the terminal must
      // not kill it half-way (use `stop`).
      detached: true,
      stdio: ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.on('error', (err) => {
    exited = { error: err };
  });
  child.unref();
  await new Promise((r) => setImmediate(r)); // let a spawn ENOENT surface
  if (exited?.error) throw new Error(`could not start ${java}: ${exited.error.message}`);
  fs.writeFileSync(paths.pidFile, `${child.pid}\n`);
  log(`Kafka broker starting (pid ${child.pid}, ${rel(runDir)}) ...`);

  try {
    await waitReady({
      brokers,
      pid: child.pid,
      paths,
      deadline: Date.now() + timeoutMs,
      warmup: options.warmup !== false,
      exitedRef: () => exited,
    });
  } catch (err) {
    // Never leave a half-started JVM behind.
    await terminate(child.pid, 5_000, () => {});
    fs.rmSync(paths.pidFile, { force: true });
    throw err;
  }
  const readyMs = Date.now() - t0;
  log(`Kafka broker ready at ${brokers} in ${(readyMs / 1000).toFixed(1)} s (pid ${child.pid})`);
  return {
    brokers,
    port,
    controllerPort,
    pid: child.pid,
    runDir,
    logFile: paths.serverLog,
    clusterId,
    alreadyRunning: false,
    formatted,
    readyMs,
  };
}

/**
 * Stop a broker: SIGTERM (Kafka's clean shutdown, which flushes and closes
 * its logs), then SIGKILL after `timeoutMs`.
 *
 * @param {BrokerHandle | { port?: number, runDir?: string }} [handle] default: the broker of $KAFKA_PORT / 9092
 * @param {object} [options]
 * @param {boolean} [options.keepData] keep the run dir so startBroker on the same port resumes with the same topics and offsets (default false: delete it)
 * @param {number} [options.timeoutMs] grace period before SIGKILL (default 30000)
 * @param {(msg: string) => void} [options.log]
 * @returns {Promise<{ wasRunning: boolean, killed: boolean, stopMs: number }>}
 */
export async function stopBroker(handle = {}, options = {}) {
  const t0 = Date.now();
  const log = options.log ?? defaultLog;
  const port = toPort(handle.port ?? process.env.KAFKA_PORT ?? DEFAULT_PORT, 'port');
  const runDir = path.resolve(handle.runDir ?? path.join(RUN_ROOT, String(port)));
  const paths = runPaths(runDir);
  const pid = runningPid(paths);
  let killed = false;
  if (pid) {
    killed = await terminate(pid, options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS, log);
    log(
      `Kafka broker on port ${port} stopped (pid ${pid}${killed ? ', had to SIGKILL' : ''}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  fs.rmSync(paths.pidFile, { force: true });
  if (!options.keepData) rmrf(runDir);
  return { wasRunning: Boolean(pid), killed, stopMs: Date.now() - t0 };
}

/**
 * @param {{ port?: number, runDir?: string }} [options]
 * @returns {{ running: boolean, pid: number | null, port: number, brokers: string, runDir: string, logFile: string }}
 */
export function brokerStatus(options = {}) {
  const port = toPort(options.port ?? process.env.KAFKA_PORT ?? DEFAULT_PORT, 'port');
  const runDir = path.resolve(options.runDir ?? path.join(RUN_ROOT, String(port)));
  const paths = runPaths(runDir);
  const pid = runningPid(paths);
  return { running: Boolean(pid), pid, port, brokers: `127.0.0.1:${port}`, runDir, logFile: paths.serverLog };
}

function runPaths(runDir) {
  return {
    runDir,
    dataDir: path.join(runDir, 'data'),
    metaProps: path.join(runDir, 'data', 'meta.properties'),
    logsDir: path.join(runDir, 'logs'),
    serverLog: path.join(runDir, 'logs', 'server.log'),
    stdoutLog: path.join(runDir, 'logs', 'stdout.log'),
    serverProps: path.join(runDir, 'server.properties'),
    pidFile: path.join(runDir, 'broker.pid'),
  };
}

function logOpts(paths) {
  return [`-Dlog4j2.configurationFile=file:${LOG4J_CONFIG}`, `-Dkafka.logs.dir=${paths.logsDir}`];
}

function serverProperties({ port, controllerPort, dataDir, extra = {} }) {
  const props = {
    // One JVM is both the KRaft controller (metadata quorum of one) and the broker.
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    // Internal topics default to replication factor 3, which a single node can
    // never satisfy: consumer groups and transactions would hang.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'num.partitions': 1,
    // After an unclean exit (SIGKILL, crash) the restarted controller still
    // holds the dead incarnation's registration and rejects the new one with
    // DUPLICATE_BROKER_REGISTRATION until that session expires: 9 s by default,
    // measured as a 13 s restart here. With one node on loopback a 3 s session
    // is plenty, and the restart after a kill stays short.
    'broker.heartbeat.interval.ms': 500,
    'broker.session.timeout.ms': 3000,
    // The default 3 s delay before the first rebalance only slows tests down.
    'group.initial.rebalance.delay.ms': 0,
    // CareTrail creates its topics explicitly (partitions, retention); a typo in
    // a topic name must fail instead of silently creating a new topic.
    'auto.create.topics.enable': false,
    ...extra,
  };
  return (
    '# Written by infra/kafka/broker.mjs on every start; edits are overwritten.\n' +
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') +
    '\n'
  );
}

function readPreviousControllerPort(paths) {
  try {
    const m = /^controller\.quorum\.voters=\d+@[^:]+:(\d+)/m.exec(fs.readFileSync(paths.serverProps, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function readClusterId(paths) {
  try {
    return /^cluster\.id=(.+)$/m.exec(fs.readFileSync(paths.metaProps, 'utf8'))?.[1].trim() ?? null;
  } catch {
    return null;
  }
}

// Same format as `kafka-storage random-uuid` (Kafka's Uuid: 16 random bytes,
// URL-safe base64 without padding, never starting with '-', which the CLI
// would read as a flag), generated here to save a ~1.2 s JVM start.
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// ---------------------------------------------------------------------------
// Readiness

async function waitReady({ brokers, pid, paths, deadline, warmup = true, exitedRef = () => null }) {
  const { Kafka, logLevel } = await loadKafkajs();
  const kafka = new Kafka({
    clientId: 'caretrail-broker-readiness',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  // Checks run in order; one that passed is not repeated after a later one
  // fails, so a slow step does not restart the whole sequence.
  const steps = [
    // A port probe is not enough: the socket opens before the broker has
    // registered with its controller and can serve metadata or create topics.
    [
      'describeCluster',
      async (admin) => {
        const cluster = await admin.describeCluster();
        if (!cluster.brokers.length) throw new Error('describeCluster returned no brokers');
      },
    ],
    // A topic round trip proves the controller accepts writes and the broker
    // is unfenced, i.e. that the first test's createTopics will work.
    [
      'create/delete a topic',
      async (admin) => {
        const topic = `__caretrail-ready-${process.pid}-${Date.now()}`;
        const created = await admin.createTopics({
          topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
          waitForLeaders: true,
          timeout: 5_000,
        });
        if (!created) throw new Error(`readiness topic ${topic} was not created`);
        await admin.deleteTopics({ topics: [topic], timeout: 5_000 });
      },
    ],
  ];
  if (warmup) {
    // Right after start the group coordinator (__consumer_offsets is created on
    // first use) and the producer-id manager answer "not available" /
    // "loading" for a second or so; kafkajs retries, but logs each attempt as
    // an ERROR and the first test pays the delay. Touch both here so that
    // "ready" means consumer groups and idempotent producers work.
    steps.push(['group coordinator', (admin) => admin.describeGroups(['caretrail-broker-readiness'])]);
    steps.push([
      'idempotent producer id',
      async () => {
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
        try {
          await producer.connect(); // sends InitProducerId
        } finally {
          await producer.disconnect().catch(() => {});
        }
      },
    ]);
  }

  let done = 0;
  let lastError = null;
  while (Date.now() < deadline) {
    const exited = exitedRef();
    if (exited || !isAlive(pid)) {
      const how = exited?.error
        ? exited.error.message
        : exited
          ? `exit code ${exited.code ?? '-'}, signal ${exited.signal ?? '-'}`
          : 'exited';
      throw new Error(`Kafka broker (pid ${pid}) died during start-up (${how}).\n${logTails(paths)}`);
    }
    const admin = kafka.admin();
    try {
      await withDeadline(
        deadline,
        (async () => {
          await admin.connect();
          // describeCluster also loads kafkajs' broker metadata, which the
          // later admin calls need on every new connection, so it always runs.
          await steps[0][1](admin);
          for (done = Math.max(done, 1); done < steps.length; done++) await steps[done][1](admin);
        })(),
      );
      return;
    } catch (err) {
      lastError = err;
      if (process.env.KAFKA_BROKER_DEBUG) defaultLog(`not ready yet (${steps[done]?.[0]}): ${err.message}`);
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await sleep(100);
  }
  const step = steps[done]?.[0] ?? 'connect';
  throw new Error(
    `Kafka broker (pid ${pid}) at ${brokers} was not ready in time: check "${step}" still failing (last error: ${lastError?.message ?? 'none'}).\n${logTails(paths)}`,
  );
}

// A single request can hang up to kafkajs' own timeouts; never let it push us
// past the caller's deadline.
function withDeadline(deadline, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('readiness deadline reached during a request')),
      Math.max(0, deadline - Date.now()),
    );
  });
  promise.catch(() => {}); // may reject after the timeout won; already handled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let kafkajsPromise;
function loadKafkajs() {
  // kafkajs is CommonJS and lives in the repo's node_modules; resolve it from
  // this file so the script works from any cwd.
  kafkajsPromise ??= (async () => {
    try {
      return createRequire(import.meta.url)('kafkajs');
    } catch (err) {
      throw new Error(
        `kafkajs is needed for the readiness check but could not be loaded (run npm install at the repo root): ${err.message}`,
      );
    }
  })();
  return kafkajsPromise;
}

function logTails(paths) {
  const parts = [];
  for (const [file, n] of [
    [paths.serverLog, 40],
    [paths.stdoutLog, 20],
  ]) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      /* not written yet */
    }
    if (!text.trim()) {
      parts.push(`--- ${file}: empty or missing ---`);
      continue;
    }
    // The cause is usually one ERROR line that a stack trace pushes out of the
    // tail, so list ERROR/FATAL lines on their own first.
    const errors = text
      .split('\n')
      .filter((l) => /^\[[^\]]+\] (ERROR|FATAL) /.test(l))
      .slice(-10);
    if (errors.length) parts.push(`--- ERROR lines of ${file} ---\n${errors.join('\n')}`);
    parts.push(`--- last lines of ${file} ---\n${tail(text, n)}`);
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------
// Processes and ports

/** The pid in the run dir's pid file, if that process is alive and really is this run dir's broker. */
function runningPid(paths) {
  let pid;
  try {
    pid = Number(fs.readFileSync(paths.pidFile, 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  // Guard against pid reuse after a reboot or a long time: only a java
  // process running kafka.Kafka with our server.properties counts.
  const cmd = commandLine(pid);
  if (cmd != null && !(cmd.includes('kafka.Kafka') && cmd.includes(paths.serverProps))) return null;
  return pid;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) still answers kill 0.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill 0
  }
}

function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    const r = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : null;
  }
}

/** SIGTERM, wait, SIGKILL. Returns true if SIGKILL was needed. */
async function terminate(pid, timeoutMs, log) {
  // The broker leads its own process group (detached spawn); signal the group
  // so nothing it might fork survives it.
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return false;
    await sleep(100);
  }
  log(`Kafka broker (pid ${pid}) did not exit within ${timeoutMs} ms of SIGTERM; sending SIGKILL`);
  signal('SIGKILL');
  const killDeadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < killDeadline) await sleep(50);
  if (isAlive(pid)) throw new Error(`Kafka broker (pid ${pid}) survived SIGKILL`);
  return true;
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function describePortHolder(port) {
  const r = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const m = r.status === 0 ? /users:\(\("([^"]+)",pid=(\d+)/.exec(r.stdout) : null;
  return m ? ` (${m[1]}, pid ${m[2]})` : '';
}

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

// ---------------------------------------------------------------------------
// Small helpers

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', (error) => resolve({ code: -1, error, output }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function toPort(value, name) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid ${name}: ${value}`);
  return n;
}

function tail(text, lines) {
  return String(text).trimEnd().split('\n').slice(-lines).join('\n');
}

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

function rel(p) {
  return path.relative(process.cwd(), p) || '.';
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function defaultLog(msg) {
  process.stderr.write(`[kafka] ${msg}\n`);
}

// ---------------------------------------------------------------------------
// CLI

async function main(argv) {
  const [cmd, ...rest] = argv;
  const flag = (name) => rest.includes(name);
  const value = (name) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  switch (cmd) {
    case 'start': {
      const timeout = value('--timeout');
      const h = await startBroker({ fresh: flag('--fresh'), timeoutMs: timeout ? Number(timeout) * 1000 : undefined });
      process.stderr.write(
        `[kafka] log: ${rel(h.logFile)}; stop with: node ${rel(fileURLToPath(import.meta.url))} stop\n`,
      );
      // The only line on stdout, so `export $(node infra/kafka/broker.mjs start)` works.
      process.stdout.write(`KAFKA_BROKERS=${h.brokers}\n`);
      return 0;
    }
    case 'stop': {
      const r = await stopBroker({}, { keepData: !flag('--delete') });
      if (!r.wasRunning) process.stderr.write('[kafka] no broker was running\n');
      return 0;
    }
    case 'status': {
      const s = brokerStatus();
      if (s.running) {
        process.stdout.write(`running: pid ${s.pid}, KAFKA_BROKERS=${s.brokers}, log ${rel(s.logFile)}\n`);
        return 0;
      }
      process.stdout.write(`not running (port ${s.port})\n`);
      return 3; // like `systemctl status` / LSB: 3 = not running
    }
    case 'resolve': {
      const dir = await resolveJars();
      process.stdout.write(`${dir}\n`);
      return 0;
    }
    default:
      process.stderr.write(
        [
          'usage: node infra/kafka/broker.mjs <command>',
          '  start [--fresh] [--timeout <s>]  start a single-node KRaft broker and wait until ready',
          '                                   (--fresh: delete previous data first)',
          '  stop [--delete]                  stop it (SIGTERM, SIGKILL after 30 s); --delete removes its data',
          '  status                           exit 0 if running, 3 if not',
          '  resolve                          only fetch the broker jars (Maven, first run)',
          'env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1), JAVA_HOME, MVN',
          '',
        ].join('\n'),
      );
      return cmd ? 2 : 0;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[kafka] error: ${err.message}\n`);
      process.exit(1);
    },
  );
}
