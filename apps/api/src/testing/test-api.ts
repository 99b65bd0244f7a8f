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
  /** A bearer header value for this user and role. */
  bearer(userId: string, role: ActorRole): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real API on the real PostgreSQL (a schema of its own) or on PGlite (a
 * temporary data directory), with local tokens. Rate limiting is off unless
 * `env` turns it on: a spec sends many requests from one address.
 */
export async function startTestApi(
  backend: 'postgres' | 'pglite' = 'postgres',
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<TestApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-e2e-'));
  const schema = uniqueSchema('e2e');
  const env: NodeJS.ProcessEnv = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMIT: 'off', ...extraEnv };
  if (backend === 'postgres') Object.assign(env, { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema });
  const app = await createApp(apiConfigFromEnv(env));
  await app.init();
  const key = await loadOrCreateLocalSigningKey(dataDir);
  return {
    app,
    http: request(app.getHttpServer()),
    store: app.get<EventStore>(EVENT_STORE),
    sql: app.get<SqlDatabase>(SQL_DATABASE),
    bearer: async (userId, role) => `Bearer ${await issueLocalToken(key, { userId, role })}`,
    close: async () => {
      await app.close();
      if (backend === 'postgres') await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The number of events in the store: a refused request must leave it unchanged. */
export async function eventCount(store: EventStore): Promise<number> {
  return (await store.status()).headPosition;
}
