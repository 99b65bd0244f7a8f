#!/usr/bin/env node
// Compiles one app and the libraries it uses to JavaScript with SWC
// (decorator metadata included, which NestJS needs), rewriting the
// workspace path aliases to relative imports.
//
// A build whose sources have not changed since the last one is skipped: the
// output records a fingerprint of everything it was built from. Builds of one
// app take turns (a lock directory beside the output), so two builds started
// together never delete each other's files, nor those of a process running
// from the output. `--force` builds even when the output is up to date.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const [app, ...flags] = process.argv.slice(2);
if (!app || flags.some((flag) => flag !== '--force')) {
  console.error('usage: build-app.mjs <app> [--force]');
  process.exit(2);
}
if (!existsSync(`apps/${app}/src`)) {
  console.error(`build-app.mjs: no app named ${app} (apps/${app}/src does not exist)`);
  process.exit(2);
}
const outDir = `dist/apps/${app}`;
const fingerprintFile = join(outDir, '.build-fingerprint');
// Files an app serves as they are (the API's admin console, apps/api/console) sit beside its
// compiled code at the same distance from src/ as in the source tree.
const SERVED_AS_IS = { api: ['console'] };
const LOCK_STALE_MS = 5 * 60_000;

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path);
    return [path];
  });
}

/** A hash of every file the build reads: the app, the libraries, the aliases and this script. */
function fingerprint() {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(`apps/${app}`),
    ...filesUnder('libs'),
    'tsconfig.base.json',
    'infra/scripts/build-app.mjs',
  ];
  for (const file of files.sort()) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function readFingerprint() {
  try {
    return readFileSync(fingerprintFile, 'utf8');
  } catch {
    return null;
  }
}

/** Takes the app's build lock; a lock older than LOCK_STALE_MS was left by a build that died. */
async function lock() {
  const dir = `dist/apps/.${app}.build-lock`;
  mkdirSync('dist/apps', { recursive: true });
  for (;;) {
    try {
      mkdirSync(dir);
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const age = Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > LOCK_STALE_MS) rmSync(dir, { recursive: true, force: true });
    else await sleep(200);
  }
}

function compile() {
  // The aliases come from tsconfig.base.json, the one place they are declared.
  const { compilerOptions } = JSON.parse(readFileSync('tsconfig.base.json', 'utf8'));
  const swcrc = `tmp/build-${app}.swcrc`;
  mkdirSync('tmp', { recursive: true });
  writeFileSync(
    swcrc,
    JSON.stringify({
      sourceMaps: true,
      module: { type: 'commonjs' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        keepClassNames: true,
        baseUrl: process.cwd(),
        paths: compilerOptions.paths,
      },
    }),
  );
  const result = spawnSync(
    process.execPath,
    [
      require.resolve('@swc/cli/bin/swc.js'),
      `apps/${app}/src`,
      'libs',
      '--out-dir',
      outDir,
      '--config-file',
      swcrc,
      '--ignore',
      '**/*.spec.ts,**/testing/**,**/jest.config.js',
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) return result.status ?? 1;
  for (const folder of SERVED_AS_IS[app] ?? []) {
    cpSync(`apps/${app}/${folder}`, `${outDir}/apps/${app}/${folder}`, { recursive: true });
  }
  return 0;
}

const unlock = await lock();
let status = 0;
try {
  const sources = fingerprint();
  if (!flags.includes('--force') && readFingerprint() === sources) {
    console.log(`${outDir} is up to date`);
  } else {
    rmSync(outDir, { recursive: true, force: true });
    status = compile();
    if (status === 0) writeFileSync(fingerprintFile, sources);
  }
} finally {
  unlock();
}
process.exit(status);
