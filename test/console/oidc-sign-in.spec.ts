import type { Browser } from 'playwright-core';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { launchChromium, seriousViolations } from './browser';
import { startFakeIssuer, type FakeIssuer } from './fake-issuer';

/**
 * The console's OIDC sign-in in a real Chromium (docs/deployment.md, "Admin console"): the
 * authorisation-code flow with PKCE against an issuer the API trusts (OIDC_ISSUER), and what
 * the page says when the issuer refuses or answers a sign-in it did not start.
 */
describe('the admin console signing in at an OIDC issuer', () => {
  let issuer: FakeIssuer;
  let api: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    issuer = await startFakeIssuer('oidc-admin', 'admin');
    [api, browser] = await Promise.all([
      startApiProcess('postgres', {
        OIDC_ISSUER: issuer.issuer,
        OIDC_JWKS_URI: `${issuer.issuer}/jwks`,
        OIDC_CONSOLE_CLIENT_ID: 'caretrail-console',
      }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await issuer?.close();
  });

  async function signInAtIssuer() {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${api.baseUrl}/admin/#/audit`);
    await page.getByRole('button', { name: `Sign in at ${new URL(issuer.issuer).host}` }).click();
    return { page, close: () => context.close() };
  }

  it('signs in with the code flow and PKCE, and opens the page it started from', async () => {
    const { page, close } = await signInAtIssuer();
    try {
      await page.getByText('Signed in as oidc-admin (admin)').waitFor();
      await page.locator('#audit-records').waitFor();
      expect(new URL(page.url()).pathname + new URL(page.url()).hash).toBe('/admin/#/audit');
      expect(issuer.exchanges.at(-1)).toEqual({ verifierMatched: true, clientId: 'caretrail-console' });
      expect(await page.locator('#audit-records').textContent()).toContain('oidc-admin');
    } finally {
      await close();
    }
  });

  it('says so when the issuer refuses, and offers the sign-in again', async () => {
    issuer.nextConsent({ approve: false, error: 'access_denied' });
    const { page, close } = await signInAtIssuer();
    try {
      await page.getByText('The issuer refused the sign-in: access_denied').waitFor();
      expect(await page.getByRole('heading', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('refuses an answer to a sign-in this tab did not start (another state), exchanging no code', async () => {
    issuer.nextConsent({ approve: true, state: 'forged' });
    const before = issuer.exchanges.length;
    const { page, close } = await signInAtIssuer();
    try {
      await page.getByText(/does not belong to a sign-in started here/).waitFor();
      expect(issuer.exchanges.length).toBe(before);
    } finally {
      await close();
    }
  });
});
