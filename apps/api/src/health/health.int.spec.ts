import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { createApp } from '../app';
import { apiConfigFromEnv } from '../config/api-config';

describe.each<[string, () => NodeJS.ProcessEnv]>([
  ['the embedded store', () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'caretrail-api-')) })],
  ['PostgreSQL', () => ({ DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: uniqueSchema('api_health') })],
])('GET /health on %s', (_, environment) => {
  const env = environment();
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp({ ...apiConfigFromEnv({ ...env, LOG_LEVEL: 'silent' }) });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    if (env['DATA_DIR']) rmSync(env['DATA_DIR'], { recursive: true, force: true });
    if (env['DATABASE_SCHEMA']) await dropSchema(env['DATABASE_SCHEMA']);
  });

  it('answers 200 with the event store up', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: { eventStore: { status: 'up' }, integrity: { status: 'up', firstBreak: null } },
    });
    expect(['checking', 'ok']).toContain(response.body.info.integrity.state);
  });

  it('answers GET / with a page linking the consoles, the API documents and health, without a token', async () => {
    const response = await request(app.getHttpServer()).get('/').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    for (const link of ['/docs', '/admin/', '/docs-json', '/asyncapi.json', '/health'])
      expect(response.text).toContain(`href="${link}"`);
  });

  it('serves the OpenAPI document', async () => {
    const response = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(response.body.paths).toHaveProperty('/health');
    // Sections in the order of a clinic's work, then operations; the page says how to get a token.
    const tags = (response.body.tags as Array<{ name: string }>).map((tag) => tag.name);
    expect(tags.slice(0, 8)).toEqual([
      'patients',
      'care plan',
      'therapy',
      'medication',
      'doses',
      'sessions',
      'safety',
      'outcomes',
    ]);
    expect(tags.indexOf('collaboration')).toBeLessThan(tags.indexOf('admin'));
    expect(tags.indexOf('admin')).toBeLessThan(tags.indexOf('audit'));
    expect(response.body.info.description).toContain('npm run -s cli -- token --user dr-theo --role therapist');
    const page = await request(app.getHttpServer()).get('/docs/swagger-ui-init.js').expect(200);
    expect(page.text).toContain('"persistAuthorization": true');
  });
});

describe('configuration', () => {
  it('refuses a PORT that is not a port number', () => {
    expect(() => apiConfigFromEnv({ PORT: 'eighty' })).toThrow(/PORT must be an integer/);
  });

  it('refuses a PARKED_RETRY_WAIT_MS outside 0 to 60000 milliseconds', () => {
    expect(apiConfigFromEnv({}).parkedRetryWaitMs).toBe(5000);
    expect(apiConfigFromEnv({ PARKED_RETRY_WAIT_MS: '0' }).parkedRetryWaitMs).toBe(0);
    for (const raw of ['-1', '60001', '1.5', 'soon'])
      expect(() => apiConfigFromEnv({ PARKED_RETRY_WAIT_MS: raw })).toThrow(
        /PARKED_RETRY_WAIT_MS must be a whole number/,
      );
  });
});
