import { apiConfigFromEnv } from '../config/api-config';
import { expectInvalid, expectProblem, testUser } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

describe('the admin console', () => {
  describe('on the embedded default (tokens from the local key)', () => {
    const t = useTestApi({ enrol: false });

    it('serves its shell without a token, under a CSP that runs only its own scripts and calls only this API', async () => {
      const redirect = await t.api.http.get('/admin?code=abc&state=xyz').expect(301);
      expect(redirect.headers['location']).toBe('/admin/?code=abc&state=xyz');
      const page = await t.api.http.get('/admin/').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/style-src 'self'(;|$)/);
      expect(csp).toMatch(/connect-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(page.headers['cache-control']).toContain('no-store');
      const scripts = [...page.text.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)].map((m) => m[1]!);
      expect(scripts).toEqual(['/admin/assets/console.css', '/admin/assets/app.js']);
      const script = await t.api.http.get('/admin/assets/pages/projections.js').expect(200);
      expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    });

    it('answers an unknown console file as the API answers any unknown path, and leaves other methods to the API', async () => {
      expectProblem(await t.api.http.get('/admin/assets/../../main.js'), 404, 'NOT_FOUND');
      expectProblem(await t.api.http.get('/admin/assets/nothing-here.js'), 404, 'NOT_FOUND');
      expectProblem(await t.api.http.post('/admin/').send({}), 404, 'NOT_FOUND');
    });

    it('tells the page to ask for a pasted token', async () => {
      const config = await t.api.http.get('/admin/config').expect(200);
      expect(config.body).toEqual({ signIn: 'token', issuer: null, clientId: null, scope: 'openid' });
    });

    it('records each page an admin opens, naming the page', async () => {
      const admin = await testUser(t.api, 'admin');
      const viewed = await t.api.http
        .post('/admin/console/views')
        .set('Authorization', admin.auth)
        .send({ page: 'history' })
        .expect(201);
      expect(viewed.body).toEqual({ page: 'history' });
      const log = await t.api.http.get(`/audit?user=${admin.userId}`).set('Authorization', admin.auth).expect(200);
      expect(log.body.items).toContainEqual(
        expect.objectContaining({
          category: 'admin console',
          action: 'read',
          outcome: 'allowed',
          route: '/admin/console/views',
          detail: { page: 'history' },
        }),
      );
    });

    it('refuses a non-admin with 403 and records the refusal; no token is 401', async () => {
      const therapist = await testUser(t.api, 'therapist');
      const refused = await t.api.http
        .post('/admin/console/views')
        .set('Authorization', therapist.auth)
        .send({ page: 'projections' });
      expectProblem(refused, 403, 'FORBIDDEN');
      expectProblem(await t.api.http.post('/admin/console/views').send({ page: 'projections' }), 401);
      const admin = await testUser(t.api, 'admin');
      const log = await t.api.http.get(`/audit?user=${therapist.userId}`).set('Authorization', admin.auth).expect(200);
      expect(log.body.items).toEqual([
        expect.objectContaining({ category: 'admin console', outcome: 'denied', status: 403 }),
      ]);
    });

    it('refuses a page it does not have, naming the field and the rule', async () => {
      const admin = await testUser(t.api, 'admin');
      const response = await t.api.http
        .post('/admin/console/views')
        .set('Authorization', admin.auth)
        .send({ page: 'settings' });
      expectInvalid(response, 'page', 'isIn');
    });
  });

  describe('with an OIDC issuer and a client id for the console', () => {
    const t = useTestApi({
      enrol: false,
      env: {
        OIDC_ISSUER: 'https://id.clinic.example/realms/care',
        OIDC_CONSOLE_CLIENT_ID: 'caretrail-console',
        OIDC_CONSOLE_CONNECT_ORIGINS: 'https://tokens.clinic.example',
      },
    });

    it('tells the page to sign in at the issuer, and lets it call the issuer’s origins', async () => {
      const config = await t.api.http.get('/admin/config').expect(200);
      expect(config.body).toEqual({
        signIn: 'oidc',
        issuer: 'https://id.clinic.example/realms/care',
        clientId: 'caretrail-console',
        scope: 'openid',
      });
      const page = await t.api.http.get('/admin/').expect(200);
      expect(page.headers['content-security-policy']).toMatch(
        /connect-src 'self' https:\/\/id\.clinic\.example https:\/\/tokens\.clinic\.example(;|$)/,
      );
      // The API's own answers still load nothing.
      const health = await t.api.http.get('/health');
      expect(health.headers['content-security-policy']).not.toContain('connect-src');
    });
  });

  it('refuses an origin that is not an http(s) URL, naming the setting', () => {
    expect(() =>
      apiConfigFromEnv({ OIDC_ISSUER: 'https://id.example', OIDC_CONSOLE_CONNECT_ORIGINS: 'tokens' }),
    ).toThrow(/OIDC_CONSOLE_CONNECT_ORIGINS must be http\(s\) URLs, got "tokens"/);
    expect(() => apiConfigFromEnv({ OIDC_CONSOLE_CONNECT_ORIGINS: 'javascript:alert(1)' })).toThrow(
      /OIDC_CONSOLE_CONNECT_ORIGINS must be http\(s\) URLs/,
    );
  });

  it('asks for a pasted token when the issuer is set but the console has no client id there', () => {
    expect(apiConfigFromEnv({ OIDC_ISSUER: 'https://id.example' }).console.oidcClientId).toBeUndefined();
  });
});
