#!/usr/bin/env node
// Compiles one app and the libraries it uses to JavaScript with SWC
// (decorator metadata included, which NestJS needs), rewriting the
// workspace path aliases to relative imports.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const app = process.argv[2];
if (!app) {
  console.error('usage: build-app.mjs <app>');
  process.exit(2);
}
const outDir = `dist/apps/${app}`;
rmSync(outDir, { recursive: true, force: true });

// The aliases come from tsconfig.base.json, the one place they are declared.
const { compilerOptions } = JSON.parse(readFileSync('tsconfig.base.json', 'utf8'));
const swcrc = 'tmp/build.swcrc';
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
// Files an app serves as they are (the API's admin console, apps/api/console) sit beside its
// compiled code at the same distance from src/ as in the source tree.
const SERVED_AS_IS = { api: ['console'] };
if (result.status === 0) {
  for (const folder of SERVED_AS_IS[app] ?? []) {
    cpSync(`apps/${app}/${folder}`, `${outDir}/apps/${app}/${folder}`, { recursive: true });
  }
}
process.exit(result.status ?? 1);
