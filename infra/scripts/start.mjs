#!/usr/bin/env node
// `npm start`: builds the API and runs it. With no DATABASE_URL it uses the
// embedded store in DATA_DIR (default ./data), so no server is needed.
//
// Stopping it stops the API (docs/deployment.md, "npm start"): SIGINT, SIGTERM or SIGHUP are passed
// on to the API, and so is the end of the process that started this one. npm passes a signal on to
// its script's shell, which does not always pass it on to us; when that shell or npm goes away, we
// are re-parented, and the API would keep the port and the data directory's lock.
import { spawn, spawnSync } from 'node:child_process';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let api = null;
let stopping = null;

function stop(signal) {
  stopping ??= signal;
  if (api && api.exitCode === null && api.signalCode === null) api.kill(signal);
  else process.exit(1);
}
for (const signal of SIGNALS) process.on(signal, () => stop(signal));

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop('SIGTERM');
}, 500).unref();

const build = spawnSync(process.execPath, ['infra/scripts/build-app.mjs', 'api'], { stdio: 'inherit' });
if (stopping) process.exit(1);
if (build.status !== 0) process.exit(build.status ?? 1);

api = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/api/apps/api/src/main.js'], {
  stdio: 'inherit',
});
api.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
