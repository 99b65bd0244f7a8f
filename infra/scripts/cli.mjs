#!/usr/bin/env node
// `npm run cli -- <command>` and `npx caretrail <command>` (package.json "bin"):
// builds the command line when its sources changed and runs it with the
// remaining arguments. Sources and build resolve from the repository; the
// command itself runs in the caller's directory (DATA_DIR defaults to ./data there).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = join(root, 'dist/apps/cli/apps/cli/src/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const stale =
  !existsSync(entry) ||
  statSync(entry).mtimeMs < Math.max(newestSource(join(root, 'apps/cli/src')), newestSource(join(root, 'libs')));
if (stale) {
  const build = spawnSync(process.execPath, ['infra/scripts/build-app.mjs', 'cli'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: root,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const cli = spawnSync(process.execPath, ['--enable-source-maps', entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(cli.status ?? 1);
