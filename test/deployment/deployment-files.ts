import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { HEALTH_PATHS } from '@caretrail/health';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

export function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export function exists(path: string): boolean {
  return existsSync(join(ROOT, path));
}

// ------------------------------------------------------------------ Dockerfile

export interface DockerInstruction {
  keyword: string;
  /** The arguments as written (continuation lines joined). */
  args: string;
}

export interface DockerStage {
  from: string;
  name: string | undefined;
  instructions: DockerInstruction[];
}

/** The Dockerfile's stages and their instructions (comments dropped, `\` continuations joined). */
export function dockerStages(text: string): DockerStage[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += (pending ? ' ' : '') + line.replace(/\\\s*$/, '').trim();
    if (continued) continue;
    if (pending.trim()) logical.push(pending.trim());
    pending = '';
  }
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [, from = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ from, name, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

export function instructions(stage: DockerStage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** `ENV A=1 B=2` instructions of a stage, as one map. */
export function dockerEnv(stage: DockerStage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of instructions(stage, 'ENV')) {
    for (const [, name = '', value = ''] of args.matchAll(/(\w+)=(\S+)/g)) env[name] = value;
  }
  return env;
}

// ------------------------------------------------------------------ entry point

export const ENTRYPOINT = 'infra/docker/entrypoint.sh';

/** The processes the entry script starts, each with the built file it runs (relative to the repository). */
export function entrypointCommands(): Map<string, string> {
  const script = read(ENTRYPOINT);
  const names = /^\s*([\w|\s-]+)\)\s*$/m.exec(script)?.[1];
  const target = /exec node [^"]*"([^"]+)"/.exec(script)?.[1];
  if (!names || !target) throw new Error(`${ENTRYPOINT} no longer has the shape this test reads`);
  return new Map(
    names
      .split('|')
      .map((n) => n.trim())
      .map((app) => [app, target.replaceAll('$app', app)]),
  );
}

// ------------------------------------------------------------------ the apps

export interface AppProject {
  name: string;
  buildCommand: string | undefined;
  serveCommand: string | undefined;
}

export function appProjects(): AppProject[] {
  return readdirSync(join(ROOT, 'apps'))
    .filter((name) => exists(`apps/${name}/project.json`))
    .map((name) => {
      const project = JSON.parse(read(`apps/${name}/project.json`)) as {
        targets: Record<string, { options?: { command?: string } }>;
      };
      return {
        name,
        buildCommand: project.targets['build']?.options?.command,
        serveCommand: project.targets['serve']?.options?.command,
      };
    });
}

/**
 * Where `infra/scripts/build-app.mjs <app>` puts an app's entry file: it
 * compiles `apps/<app>/src` and `libs` into `dist/apps/<app>`, keeping the
 * source tree, so `apps/<app>/src/main.ts` becomes this.
 */
export function builtEntry(app: string): string {
  return `dist/apps/${app}/apps/${app}/src/main.js`;
}

// ------------------------------------------------------------------ configuration the code reads

const CODE_DIRS = ['apps', 'libs'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return name === 'testing' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Every environment variable the apps and libraries read: `env['X']`,
 * `process.env.X`, and names handed to a reader with the environment
 * (`positiveInt(env, 'X', 3)`, `healthPortFromEnv(process.env, 'X')`).
 */
export function environmentVariablesRead(): Set<string> {
  const names = new Set<string>();
  for (const file of CODE_DIRS.flatMap(sourceFiles)) {
    const text = read(file);
    for (const [, name = ''] of text.matchAll(/env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) names.add(name);
    for (const [, name = ''] of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(name);
    for (const [, name = ''] of text.matchAll(/env,\s*['"]([A-Z][A-Z0-9_]*)['"]/g)) names.add(name);
  }
  return names;
}

/** Read by Node libraries rather than by CareTrail's code. */
/** Read by Node itself, not by CareTrail's code. */
export const RUNTIME_VARIABLES = new Set(['NODE_ENV', 'NODE_OPTIONS']);

// ------------------------------------------------------------------ YAML

export function yamlFile<T = unknown>(path: string): T {
  return parse(read(path), { merge: true }) as T;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Every object of every manifest in a directory, with the file it came from. */
export function k8sObjects(dir: string): { file: string; object: K8sObject }[] {
  return readdirSync(join(ROOT, dir))
    .filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml')
    .flatMap((name) =>
      parseAllDocuments(read(`${dir}/${name}`)).map((document) => {
        if (document.errors.length > 0) throw new Error(`${dir}/${name}: ${document.errors[0]!.message}`);
        return { file: relative(dir, `${dir}/${name}`), object: document.toJS() as K8sObject };
      }),
    );
}

// ------------------------------------------------------------------ what the image's processes serve

/** The image's last stage, the one that runs. */
export function runtimeStage(): DockerStage {
  const stages = dockerStages(read('Dockerfile'));
  return stages[stages.length - 1]!;
}

/** The port each process serves its probes on, from the settings given to it (else the image's). */
export function servedPort(process: string, env: Record<string, string>): number | undefined {
  const setting = { api: 'PORT', projector: 'PROJECTOR_STATUS_PORT', relay: 'RELAY_STATUS_PORT' }[process];
  const value = setting ? (env[setting] ?? dockerEnv(runtimeStage())[setting]) : undefined;
  return value === undefined ? undefined : Number(value);
}

/** The paths each process answers for probes: the API's Terminus controller, the others' health server. */
export function servedPaths(process: string): string[] {
  if (process !== 'api') return Object.values(HEALTH_PATHS);
  const controller = read('apps/api/src/health/health.controller.ts');
  if (!/@Controller\('health'\)[\s\S]*@Get\(\)/.test(controller)) {
    throw new Error("The API's health controller no longer serves GET /health");
  }
  return ['/health'];
}

/** Names among `names` that neither CareTrail's code nor the Node libraries read. */
export function unreadVariables(names: Iterable<string>): string[] {
  const read = environmentVariablesRead();
  return [...names].filter((n) => !read.has(n) && !RUNTIME_VARIABLES.has(n));
}
