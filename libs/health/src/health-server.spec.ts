import { healthPortFromEnv, serveHealth, type HealthServer, type Readiness } from './health-server';

describe('the health server', () => {
  let server: HealthServer;
  let readiness: () => Promise<Readiness>;
  let status: () => Promise<unknown>;
  const get = async (path: string, method = 'GET'): Promise<{ code: number; body: unknown }> => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
    return { code: response.status, body: await response.json() };
  };

  beforeEach(async () => {
    readiness = async () => ({ ready: true, detail: { state: 'running' } });
    status = async () => ({ state: 'running', lagEvents: 0 });
    server = await serveHealth({ port: 0, host: '127.0.0.1', readiness: () => readiness(), status: () => status() });
  });
  afterEach(() => server.close());

  it('answers liveness, readiness and status while all is well', async () => {
    expect(await get('/health/live')).toEqual({ code: 200, body: { status: 'ok' } });
    expect(await get('/health/ready')).toEqual({ code: 200, body: { status: 'ok', state: 'running' } });
    expect(await get('/health')).toEqual({ code: 200, body: { status: 'ok', state: 'running' } });
    expect(await get('/status?pretty')).toEqual({ code: 200, body: { state: 'running', lagEvents: 0 } });
  });

  it('is not ready, but alive, when readiness says no or cannot be found out', async () => {
    readiness = async () => ({ ready: false, detail: { state: 'failed' } });
    expect(await get('/health/ready')).toEqual({ code: 503, body: { status: 'down', state: 'failed' } });
    readiness = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    status = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    expect(await get('/health')).toEqual({
      code: 503,
      body: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:5432' },
    });
    expect(await get('/status')).toEqual({ code: 503, body: { error: 'connect ECONNREFUSED 127.0.0.1:5432' } });
    expect(await get('/health/live')).toEqual({ code: 200, body: { status: 'ok' } });
  });

  it('serves the metrics it is given, and 503 when they cannot be read', async () => {
    const text = '# TYPE caretrail_relay_published_total counter\ncaretrail_relay_published_total 3\n';
    let metrics = () => Promise.resolve(text);
    const withMetrics = await serveHealth({
      port: 0,
      host: '127.0.0.1',
      readiness: () => readiness(),
      status: () => status(),
      metrics: { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: () => metrics() },
    });
    try {
      const response = await fetch(`http://127.0.0.1:${withMetrics.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await response.text()).toBe(text);
      metrics = () => Promise.reject(new Error('database away'));
      const failed = await fetch(`http://127.0.0.1:${withMetrics.port}/metrics`);
      expect(failed.status).toBe(503);
      expect(await failed.json()).toEqual({ error: 'database away' });
    } finally {
      await withMetrics.close();
    }
  });

  it('serves nothing else (no metrics unless given)', async () => {
    expect((await get('/metrics')).code).toBe(404);
    expect((await get('/health', 'POST')).code).toBe(405);
  });

  it('fails to start on a port that is taken', async () => {
    await expect(
      serveHealth({ port: server.port, host: '127.0.0.1', readiness: () => readiness(), status: () => status() }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('healthPortFromEnv', () => {
  it('reads a port, or none when unset, and refuses anything else', () => {
    expect(healthPortFromEnv({ P: '9464' }, 'P')).toBe(9464);
    expect(healthPortFromEnv({}, 'P')).toBeUndefined();
    expect(healthPortFromEnv({ P: '' }, 'P')).toBeUndefined();
    expect(() => healthPortFromEnv({ P: 'http' }, 'P')).toThrow('P must be a TCP port (0-65535), got "http"');
    expect(() => healthPortFromEnv({ P: '70000' }, 'P')).toThrow('P must be a TCP port');
  });
});
