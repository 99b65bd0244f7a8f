import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');

/** Screenshots of each page, kept as the run's artefacts (gitignored). */
export const ARTEFACTS = join(ROOT, 'test-output', 'console');

/** Debian's Chromium (CHROMIUM_PATH to use another); `npm test` installs it first (infra/browser/ensure-chromium.sh). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath} for the admin console's browser tests: ` +
        'run `bash infra/browser/ensure-chromium.sh` (or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in on the console's page with a pasted token (`Bearer ...` as the API process hands it out). */
export async function signIn(page: Page, baseUrl: string, bearer: string): Promise<void> {
  await page.goto(`${baseUrl}/admin`);
  await page.getByLabel('Bearer token').fill(bearer);
  await page.getByRole('button', { name: 'Sign in with this token' }).click();
}

/** Opens a page of the console by its route (`projections`, `history?patient=p-1`). */
export async function open(page: Page, baseUrl: string, route: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/#/${route}`);
}

/** The axe violations of serious or critical impact on the page as it is now (WCAG 2.x A and AA rules). */
export async function seriousViolations(page: Page): Promise<Array<{ id: string; impact: string; targets: string[] }>> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: String(v.impact), targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTEFACTS, { recursive: true });
  const path = join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
