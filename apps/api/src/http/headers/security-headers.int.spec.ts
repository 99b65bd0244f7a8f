import { expectProblem } from '../../testing/care-setup';
import { useTestApi } from '../../testing/harness';

const everyAnswer = {
  // Health adds no-cache and must-revalidate of its own; no-store is what matters.
  'cache-control': expect.stringContaining('no-store') as unknown,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

describe('the headers every answer carries', () => {
  describe('without a trusted proxy', () => {
    const t = useTestApi();

    it.each([
      ['a patient read', (): string => `/patients/${t.p.patientId}/plan`, true],
      ['a refusal', (): string => '/patients/p-1/plan', false],
      ['health', (): string => '/health', false],
    ])('%s: no X-Powered-By, no-store, nosniff, a CSP that loads and frames nothing', async (_, path, auth) => {
      const call = t.api.http.get(path());
      const response = await (auth ? call.set('Authorization', t.p.therapist.auth) : call);
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers).toMatchObject(everyAnswer);
      expect(response.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    });

    it('lets the OpenAPI UI load its own script and styles, and nothing from elsewhere', async () => {
      const page = await t.api.http.get('/docs/').expect(200);
      expect(page.headers).toMatchObject(everyAnswer);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/style-src 'self' 'unsafe-inline'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      const scripts = [...String(page.text).matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        expect(script.startsWith('http')).toBe(false);
        await t.api.http.get(new URL(script, 'http://x/docs/').pathname).expect(200);
      }
    });

    it('sends no HSTS over plain HTTP, nor when an untrusted peer claims X-Forwarded-Proto: https', async () => {
      const plain = await t.api.http.get('/health');
      const claimed = await t.api.http.get('/health').set('X-Forwarded-Proto', 'https');
      expect(plain.headers['strict-transport-security']).toBeUndefined();
      expect(claimed.headers['strict-transport-security']).toBeUndefined();
    });

    it('answers a 64 KB header with 431 problem+json', async () => {
      const response = await t.api.http.get('/health').set('X-Padding', 'a'.repeat(64 * 1024));
      expectProblem(response, 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE');
      expect(response.headers).toMatchObject(everyAnswer);
      expect(response.headers['content-security-policy']).toMatch(/default-src 'none'/);
    });
  });

  describe('behind a trusted proxy', () => {
    const t = useTestApi({ enrol: false, env: { TRUST_PROXY: 'loopback' } });

    it('sends HSTS when the proxy says the request came over TLS', async () => {
      const response = await t.api.http.get('/health').set('X-Forwarded-Proto', 'https');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    });
  });
});
