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
  /** The environment it was started with: another process on the same store starts with it. */
  env: NodeJS.ProcessEnv;
  /** A bearer header value for this user and role. */
  bearer(userId: string, role: ActorRole): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real API on the real PostgreSQL (a schema of its own) or on PGlite (a
 * temporary data directory), with local tokens. `beside`: a second process
 * on the same PostgreSQL schema and signing key, as in a deployment of
 * several API processes; the first one's close removes what they share.
 */
export async function startTestApi(
  backend: 'postgres' | 'pglite' = 'postgres',
  { beside }: { beside?: TestApi } = {},
): Promise<TestApi> {
  const env: NodeJS.ProcessEnv = beside?.env ?? {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'caretrail-e2e-')),
    LOG_LEVEL: 'silent',
    ...(backend === 'postgres' ? { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: uniqueSchema('e2e') } : {}),
  };
  const dataDir = env['DATA_DIR']!;
  const app = await createApp(apiConfigFromEnv(env));
  await app.init();
  const key = await loadOrCreateLocalSigningKey(dataDir);
  return {
    app,
    http: request(app.getHttpServer()),
    store: app.get<EventStore>(EVENT_STORE),
    sql: app.get<SqlDatabase>(SQL_DATABASE),
    env,
    bearer: async (userId, role) => `Bearer ${await issueLocalToken(key, { userId, role })}`,
    close: async () => {
      await app.close();
      if (beside) return;
      if (env['DATABASE_SCHEMA']) await dropSchema(env['DATABASE_SCHEMA']);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The number of events in the store: a refused request must leave it unchanged. */
export async function eventCount(store: EventStore): Promise<number> {
  return (await store.status()).headPosition;
}
