import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { issueLocalToken, loadOrCreateLocalSigningKey } from '@caretrail/security';
import type { ActorRole } from '@caretrail/domain';
import { createApp } from '../app';
import { apiConfigFromEnv } from '../config/api-config';
import { EVENT_STORE, SQL_DATABASE } from '../http/tokens';

export interface TestApi {
  app: INestApplication;
  http: TestAgent;
  store: EventStore;
  /** The database beside the store, for tests that look at tables directly. */
  sql: SqlDatabase;
  /** DATA_DIR: the local signing key, and on PGlite the cluster itself (`pgdata/`). */
  dataDir: string;
  /** The environment it was started with: another process on the same store starts with it. */
  env: NodeJS.ProcessEnv;
  /** A bearer header value for this user and role. */
  bearer(userId: string, role: ActorRole): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real API on the real PostgreSQL (a schema of its own) or on PGlite (a
 * temporary data directory), with local tokens. Rate limiting is off unless
 * `settings` turn it on: a spec sends many requests from one address.
 */
export async function startTestApi(
  backend: 'postgres' | 'pglite' = 'postgres',
  /** Settings over the test defaults, e.g. `LOG_LEVEL` for a test that reads the logs. */
  settings: NodeJS.ProcessEnv = {},
): Promise<TestApi> {
  const env: NodeJS.ProcessEnv = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'caretrail-e2e-')),
    LOG_LEVEL: 'silent',
    RATE_LIMIT: 'off',
    ...settings,
    ...(backend === 'postgres' ? { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: uniqueSchema('e2e') } : {}),
  };
  return startApi(env, true);
}

/**
 * A second API process on the first one's PostgreSQL schema and signing key,
 * as in a deployment of several API processes. The first one's close removes
 * what they share.
 */
export function startTestApiBeside(first: TestApi): Promise<TestApi> {
  return startApi(first.env, false);
}

async function startApi(env: NodeJS.ProcessEnv, ownsStore: boolean): Promise<TestApi> {
  const dataDir = String(env['DATA_DIR']);
  const app = await createApp(apiConfigFromEnv(env));
  await app.init();
  const key = await loadOrCreateLocalSigningKey(dataDir);
  return {
    app,
    http: request(app.getHttpServer()),
    store: app.get<EventStore>(EVENT_STORE),
    sql: app.get<SqlDatabase>(SQL_DATABASE),
    dataDir,
    env,
    bearer: async (userId, role) => `Bearer ${await issueLocalToken(key, { userId, role })}`,
    close: async () => {
      await app.close();
      if (!ownsStore) return;
      if (env['DATABASE_SCHEMA']) await dropSchema(env['DATABASE_SCHEMA']);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The number of events in the store: a refused request must leave it unchanged. */
export async function eventCount(store: EventStore): Promise<number> {
  return (await store.status()).headPosition;
}
