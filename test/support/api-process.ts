import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { issueLocalToken, loadOrCreateLocalSigningKey } from '@caretrail/security';
import type { ActorRole } from '@caretrail/domain';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');

export interface ApiProcess {
  baseUrl: string;
  /** The process's DATA_DIR (its local signing key; on the embedded default, the store it holds). */
  dataDir: string;
  /** On PostgreSQL, the schema of its tables (for tests that look at them directly). */
  schema: string;
  bearer(userId: string, role: ActorRole): Promise<string>;
  /** Output of the process so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The built API as its own process, the way a clinic runs it: on the real
 * PostgreSQL (a schema of its own) or on the embedded store in a temporary
 * data directory. Tokens come from the same local key the CLI uses.
 */
export async function startApiProcess(
  backend: 'postgres' | 'pglite',
  /** Settings over the defaults, e.g. `PROJECTION_POISON_POLICY: 'park'`. */
  settings: NodeJS.ProcessEnv = {},
): Promise<ApiProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-e2e-'));
  const schema = uniqueSchema('e2e');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...settings,
  };
  delete env['DATABASE_URL'];
  if (backend === 'postgres') Object.assign(env, { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema });
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, () => output);
  const key = await loadOrCreateLocalSigningKey(dataDir);
  return {
    baseUrl,
    dataDir,
    schema,
    bearer: async (userId, role) => `Bearer ${await issueLocalToken(key, { userId, role })}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (backend === 'postgres') await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The API exited with ${child.exitCode}:\n${output()}`);
    const healthy = await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`The API did not become healthy within 60 s:\n${output()}`);
}

/** A TCP port free on the loopback interface right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are inspected freely in tests
  body: Record<string, any>;
}

export interface JsonClient {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  delete(path: string, body: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  get(path: string, headers?: Record<string, string>): Promise<JsonResponse>;
}

/** A small JSON client for one user. */
export function clientFor(api: ApiProcess, auth: string): JsonClient {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse> => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as JsonResponse['body']) : {},
    };
  };
  return {
    post: (path: string, body: unknown, headers?: Record<string, string>) => call('POST', path, body, headers),
    delete: (path: string, body: unknown, headers?: Record<string, string>) => call('DELETE', path, body, headers),
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
  };
}
