import {
  DataDirectoryLocked,
  eventStoreConfigFromEnv,
  openEventStore,
  type EventStore,
  type SqlDatabase,
  type SqlEventStore,
} from '@caretrail/event-store';
import { authConfigFromEnv, issueLocalToken, loadOrCreateLocalSigningKey, type Role } from '@caretrail/security';

/** Where a command found the store: opened here, or only reachable through the running server. */
export type Reach<T> = { kind: 'local'; result: T } | { kind: 'server'; result: T };

/**
 * Runs `local` on the store opened here, unless the embedded store's data
 * directory is held by a running server: then asks that server instead
 * (never opening the directory a second time). On PostgreSQL the store is
 * opened directly; several processes share it safely.
 */
export async function withStoreOrServer<T>(
  local: (store: EventStore, sql: SqlDatabase) => Promise<T>,
  server: (call: ServerCall) => Promise<T>,
): Promise<Reach<T>> {
  let store: SqlEventStore;
  try {
    store = await openEventStore({ ...eventStoreConfigFromEnv(), applicationName: 'caretrail-cli' });
  } catch (error) {
    if (!(error instanceof DataDirectoryLocked)) throw error;
    return { kind: 'server', result: await server(await serverCall('admin')) };
  }
  try {
    return { kind: 'local', result: await local(store, store.database) };
  } finally {
    await store.close();
  }
}

export type ServerCall = <R>(method: 'GET' | 'POST', path: string) => Promise<R>;

/** Calls the running API as `role`, with CARETRAIL_TOKEN or a token signed by the local key. */
export async function serverCall(role: Role): Promise<ServerCall> {
  const base = process.env['CARETRAIL_API_URL'] || `http://127.0.0.1:${process.env['PORT'] || 3000}`;
  const token =
    process.env['CARETRAIL_TOKEN'] ||
    (await issueLocalToken(await loadOrCreateLocalSigningKey(authConfigFromEnv().dataDir), {
      userId: 'caretrail-cli',
      role,
      expiresIn: '5m',
    }));
  return async <R>(method: 'GET' | 'POST', path: string): Promise<R> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
    } catch (error) {
      throw new Error(
        `The data directory is held by a server, but ${base} does not answer (${(error as Error).message}). Set CARETRAIL_API_URL.`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as R & { detail?: string };
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${body.detail ?? 'no detail'}`);
    return body;
  };
}
