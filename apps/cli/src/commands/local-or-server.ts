import { userInfo } from 'node:os';
import { TaskArgumentError, TaskRefused, type Progress } from '@caretrail/admin-tasks';
import {
  DataDirectoryLocked,
  eventStoreConfigFromEnv,
  openEventStore,
  type EventStore,
  type SqlDatabase,
  type SqlEventStore,
} from '@caretrail/event-store';
import { authConfigFromEnv, issueLocalToken, loadOrCreateLocalSigningKey } from '@caretrail/security';

/** Where a command found the store: opened here, or only reachable through the running server. */
export type Reach<T> = { kind: 'local'; result: T } | { kind: 'server'; result: T };

/**
 * Runs `local` on the store opened here, unless the embedded store's data
 * directory is held by a running server: then asks that server instead
 * (never opening the directory a second time; docs/architecture.md, "The
 * embedded store's lock"). On PostgreSQL the store is opened directly;
 * several processes share it safely.
 */
export async function withStoreOrServer<T>(
  local: (store: EventStore, sql: SqlDatabase) => Promise<T>,
  server: (api: ServerApi) => Promise<T>,
): Promise<Reach<T>> {
  let store: SqlEventStore;
  try {
    store = await openEventStore({ ...eventStoreConfigFromEnv(), applicationName: 'caretrail-cli' });
  } catch (error) {
    if (!(error instanceof DataDirectoryLocked)) throw error;
    return { kind: 'server', result: await server(await serverApi(error)) };
  }
  try {
    return { kind: 'local', result: await local(store, store.database) };
  } finally {
    await store.close();
  }
}

/** The running server answered with an error the command cannot turn into a usage mistake or a refusal. */
export class ServerFailed extends Error {}

/** The running API's admin routes, as an admin. */
export interface ServerApi {
  json<R>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<R>;
  /**
   * Runs an admin task inside the server: its answer is NDJSON, progress lines
   * (shown through `progress`) and then the result or a problem.
   */
  task<R>(path: string, body: unknown, progress?: Progress): Promise<R>;
}

export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env['CARETRAIL_API_URL'] || `http://127.0.0.1:${env['PORT'] || 3000}`).replace(/\/+$/, '');
}

/** The admin the command acts as when it signs its own token: the operating-system user, as the access log shows. */
export function operator(): string {
  let name = 'operator';
  try {
    name = userInfo().username;
  } catch {
    // no user database entry (some containers)
  }
  return `cli-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
}

/** An admin token for the server: CARETRAIL_TOKEN, else one signed by the local key (not with an OIDC issuer). */
export async function adminToken(): Promise<string> {
  const given = process.env['CARETRAIL_TOKEN'];
  if (given) return given;
  const config = authConfigFromEnv();
  if (config.issuer) {
    throw new ServerFailed(
      `OIDC_ISSUER is set (${config.issuer}): set CARETRAIL_TOKEN to an admin token from that issuer.`,
    );
  }
  return issueLocalToken(await loadOrCreateLocalSigningKey(config.dataDir), {
    userId: operator(),
    role: 'admin',
    expiresIn: '10m',
  });
}

type TaskLine = { progress: string; done?: boolean } | { result: unknown } | { problem: ProblemBody };
type ProblemBody = { status?: number; code?: string; title?: string; detail?: string };

/** The server holding `locked`'s data directory, called as an admin. */
export async function serverApi(locked: DataDirectoryLocked): Promise<ServerApi> {
  const base = apiBaseUrl();
  const token = await adminToken();
  const request = async (method: 'GET' | 'POST', path: string, body: unknown): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json, application/x-ndjson',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new ServerFailed(
        `The embedded store in ${locked.dataDir} is held by process ${locked.holder.pid} (${locked.holder.command}), ` +
          `but nothing answers at ${base} (${cause}). Set CARETRAIL_API_URL to that server's address, or stop it.`,
      );
    }
    if (!response.ok) {
      const text = await response.text();
      let problem: ProblemBody;
      try {
        problem = JSON.parse(text) as ProblemBody;
      } catch {
        problem = { detail: text.slice(0, 200) };
      }
      throw refusal({ ...problem, status: response.status }, `${method} ${path}`);
    }
    return response;
  };
  return {
    async json<R>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<R> {
      return (await (await request(method, path, body)).json()) as R;
    },
    async task<R>(path: string, body: unknown, progress?: Progress): Promise<R> {
      const response = await request('POST', path, body);
      for await (const line of ndjsonLines(response)) {
        const message = JSON.parse(line) as TaskLine;
        if ('progress' in message) progress?.(message.progress, message.done);
        else if ('result' in message) return message.result as R;
        else throw refusal(message.problem, `POST ${path}`);
      }
      throw new ServerFailed(`POST ${path}: the server ended its answer without a result (did it stop?)`);
    },
  };
}

/** A problem from the server as the error the command would have met running the task itself. */
function refusal(problem: ProblemBody, what: string): Error {
  const detail = problem.detail ?? problem.title ?? 'no detail';
  if (problem.status === 400) return new TaskArgumentError(detail);
  if (problem.status === 409) return new TaskRefused(problem.code ?? 'CONFLICT', detail);
  if (problem.status === 401 || problem.status === 403)
    return new ServerFailed(
      `${what} answered ${problem.status}: ${detail}. Set CARETRAIL_TOKEN to a token with the admin role that this server accepts.`,
    );
  return new ServerFailed(`${what} answered ${problem.status ?? 'an error'}: ${detail}`);
}

async function* ndjsonLines(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield line;
    }
  }
  if (pending.trim() !== '') yield pending.trim();
}
