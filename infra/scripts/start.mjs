#!/usr/bin/env node
// `npm start`: builds the API and runs it. With no DATABASE_URL it uses the
// embedded store in DATA_DIR (default ./data), so no server is needed.
import { spawn, spawnSync } from 'node:child_process';

const build = spawnSync(process.execPath, ['infra/scripts/build-app.mjs', 'api'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const api = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/api/apps/api/src/main.js'], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => api.kill(signal));
api.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
