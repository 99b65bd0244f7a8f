import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { clientFor, startApiProcess, type ApiProcess } from '../support/api-process';
import { launchChromium, open, screenshot, seriousViolations, signIn } from './browser';
import { parkADose } from './park-a-dose';

/**
 * The admin console in a real Chromium against the built API as its own
 * process (docs/deployment.md, "Admin console"): who may use it, a rebuild
 * watched to its end, a history with a correction, the access log's filters,
 * and no serious accessibility violation on any page.
 */
describe('the admin console in a browser', () => {
  let api: ApiProcess;
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    // Parking (docs/read-models.md, "Parked events") so that an event a read model cannot apply waits for the page.
    [api, browser] = await Promise.all([
      startApiProcess('postgres', { PROJECTION_POISON_POLICY: 'park' }),
      launchChromium(),
    ]);
    admin = await api.bearer('console-admin', 'admin');
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  /** A fresh browser context (its own sessionStorage) whose page fails the test on any script error. */
  async function withPage(use: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await use(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }

  it('shows a non-admin that the console is for admins, and the API refuses them too', async () => {
    const therapist = await api.bearer('dr-console', 'therapist');
    await withPage(async (page) => {
      await signIn(page, api.baseUrl, therapist);
      await page.getByRole('heading', { name: 'This console is for admins' }).waitFor();
      expect(await page.locator('main').textContent()).toContain('with the role therapist');
      expect(await page.getByRole('navigation', { name: 'Console pages' }).isVisible()).toBe(false);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'admins-only');
    });
    expect((await clientFor(api, therapist).get('/admin/projections')).status).toBe(403);
    const refusals = await clientFor(api, admin).get('/audit?user=dr-console');
    expect(refusals.body['items']).toContainEqual(
      expect.objectContaining({ category: 'admin console', outcome: 'denied', status: 403 }),
    );
  });

  it('starts a rebuild from the read-model page and shows it progress and finish', async () => {
    await seed(api, admin, 10_000);
    await caughtUp(api, admin);
    await withPage(async (page) => {
      await signIn(page, api.baseUrl, admin);
      const row = page.locator('#projections tr[data-name="adherence"]');
      await row.waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      // Every value the rebuild's bar shows, as the page draws it.
      await page.evaluate(() => {
        const shown: number[] = [];
        (window as unknown as { shownProgress: number[] }).shownProgress = shown;
        new MutationObserver(() => {
          const bar = document.querySelector('tr[data-name="adherence"] progress');
          if (bar) shown.push(Number(bar.getAttribute('value')));
        }).observe(document.body, { subtree: true, childList: true });
      });
      await row.getByRole('button', { name: 'Rebuild adherence' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rebuild adherence?' });
      await dialog.getByRole('button', { name: 'Rebuild' }).click();
      await page.getByText(/The rebuild of adherence started: generation 2/).waitFor({ timeout: 60_000 });
      // The page asks every 1.5 s: while the rebuild runs, its bar shows how far it got.
      await row.locator('progress').waitFor({ timeout: 30_000 });
      expect(await row.locator('.rebuild-label').textContent()).toMatch(/^Generation 2: \d+ %/);
      await screenshot(page, 'projections');
      await page.getByText('The rebuild of adherence finished: generation 2 serves now.').waitFor({ timeout: 60_000 });
      expect(await row.textContent()).toContain('generation 2');
      expect(await row.locator('progress').count()).toBe(0);
      const shown = await page.evaluate(() => (window as unknown as { shownProgress: number[] }).shownProgress);
      // It showed how far it got while it ran (on a loaded machine, several steps), never going backwards:
      expect(shown.length).toBeGreaterThan(0);
      expect(shown).toEqual([...shown].sort((a, b) => a - b));
      // Part-way at first; 100 % may show while the new copy waits to switch over.
      expect(Math.min(...shown)).toBeLessThan(100);
      expect(Math.max(...shown)).toBeLessThanOrEqual(100);
    });
    const log = await clientFor(api, admin).get('/audit?user=console-admin&action=control');
    expect(log.body['items']).toContainEqual(
      expect.objectContaining({ route: '/admin/projections/:name/rebuild', status: 202 }),
    );
  }, 180_000);

  it('shows a patient’s history with an entry and its correction linked both ways', async () => {
    const { patientId, outcomeEventId } = await patientWithCorrection(api);
    await withPage(async (page) => {
      await signIn(page, api.baseUrl, admin);
      await open(page, api.baseUrl, `history?patient=${patientId}`);
      const correction = page.locator('#history-events tr[data-type="EntryCorrected"]');
      await correction.waitFor();
      expect(await page.locator('#history-chains').textContent()).toMatch(/intact|no break found/);
      expect(await correction.textContent()).toContain('Corrects OutcomeMeasured');
      await correction.getByRole('link', { name: /OutcomeMeasured at \d+/ }).click();
      const target = page.locator(`#event-${outcomeEventId}`);
      expect(await target.getAttribute('class')).toBe('highlight');
      expect(await target.textContent()).toContain('Corrected by EntryCorrected');
      await target.getByRole('link', { name: /EntryCorrected at \d+/ }).click();
      expect(await correction.getAttribute('class')).toBe('highlight');
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'history');
    });
    const views = await clientFor(api, admin).get(`/audit?user=console-admin&patient=${patientId}`);
    expect(views.body['items']).toContainEqual(expect.objectContaining({ category: 'history', action: 'query' }));
  });

  it('retries a parked event from the page, and the read model catches up', async () => {
    const parked = await parkADose(api);
    await withPage(async (page) => {
      await signIn(page, api.baseUrl, admin);
      await open(page, api.baseUrl, 'parked?model=adherence');
      const row = page.locator(`#parked-events tr[data-event-id="${parked.eventId}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('DoseTaken');
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'parked');
      await row.getByRole('button', { name: 'Retry DoseTaken' }).click();
      await page.getByRole('dialog', { name: 'Retry DoseTaken?' }).getByRole('button', { name: 'Retry' }).click();
      await page.getByText(`The event ${parked.eventId} was applied again.`).waitFor();
      await row.waitFor({ state: 'detached' });
    });
    const statuses = (await clientFor(api, admin).get('/admin/projections')).body as unknown as Array<{
      name: string;
      parkedCount: number;
    }>;
    expect(statuses.find((s) => s.name === 'adherence')?.parkedCount).toBe(0);
    // The patient's row was re-derived from the log: the medication the row had lost is back.
    const adherence = await clientFor(api, parked.therapist).get(`/patients/${parked.patientId}/adherence`);
    expect(adherence.status).toBe(200);
    expect(JSON.stringify(adherence.body)).toContain(parked.medicationId);
  });

  it('narrows the access log to one user with the filter', async () => {
    const therapist = clientFor(api, await api.bearer('dr-filtered', 'therapist'));
    expect((await therapist.post('/patients', { name: { given: 'Filter', family: 'Me' } })).status).toBe(201);
    await withPage(async (page) => {
      await signIn(page, api.baseUrl, admin);
      await open(page, api.baseUrl, 'audit');
      await page.locator('#audit-records').waitFor();
      const usersBefore = await page.locator('#audit-records tbody tr td:nth-child(3)').allInnerTexts();
      expect(new Set(usersBefore.map(firstWord)).size).toBeGreaterThan(1);
      await page.getByLabel('User id').fill('dr-filtered');
      await page.getByRole('button', { name: 'Show records' }).click();
      await page.getByText('Page 1: 1 record.').waitFor();
      const usersAfter = await page.locator('#audit-records tbody tr td:nth-child(3)').allInnerTexts();
      expect(usersAfter.map(firstWord)).toEqual(['dr-filtered']);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'audit');
    });
  });

  it('has no serious or critical accessibility violation on the sign-in and relay pages', async () => {
    await withPage(async (page) => {
      await page.goto(`${api.baseUrl}/admin/`);
      await page.getByLabel('Bearer token').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'sign-in');
      await signIn(page, api.baseUrl, admin);
      await page.locator('#projections').waitFor();
      await open(page, api.baseUrl, 'relay');
      await page.locator('#relay-shards').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'relay');
    });
  });
});

const firstWord = (text: string): string => text.trim().split(/\s+/)[0] ?? '';

/** Seeds about this many events through the server (POST /admin/seed answers NDJSON until done). */
async function seed(api: ApiProcess, admin: string, events: number): Promise<void> {
  const response = await fetch(`${api.baseUrl}/admin/seed`, {
    method: 'POST',
    headers: { Authorization: admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ events, days: 60, seed: 'console' }),
  });
  const lines = (await response.text()).trim().split('\n');
  expect({ status: response.status, last: JSON.parse(lines.at(-1)!) }).toEqual({
    status: 200,
    last: expect.objectContaining({ result: expect.objectContaining({ events: expect.any(Number) }) }),
  });
}

/** Waits until every read model has applied what the seed wrote, so the rebuild starts from a settled store. */
async function caughtUp(api: ApiProcess, admin: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const statuses = (await clientFor(api, admin).get('/admin/projections')).body as unknown as Array<{
      kind: string;
      lagEvents: number;
    }>;
    if (statuses.filter((s) => s.kind === 'read-model').every((s) => s.lagEvents === 0)) return;
    if (Date.now() > deadline) throw new Error(`The read models did not catch up: ${JSON.stringify(statuses)}`);
    await sleep(250);
  }
}

/** A patient who recorded a PHQ-9 and then corrected one answer of it. */
async function patientWithCorrection(api: ApiProcess): Promise<{ patientId: string; outcomeEventId: string }> {
  const therapist = clientFor(api, await api.bearer('dr-history', 'therapist'));
  const enrolled = await therapist.post('/patients', { name: { given: 'Ada', family: 'History' } });
  const patientId = String(enrolled.body['id']);
  const patient = clientFor(api, await api.bearer(patientId, 'patient'));
  const outcome = await patient.post(`/patients/${patientId}/outcomes`, {
    instrument: 'PHQ-9',
    items: [1, 1, 1, 1, 1, 1, 1, 1, 1],
    total: 9,
  });
  expect(outcome.status).toBe(201);
  const outcomeEventId = String(outcome.body['eventIds'][0]);
  const corrected = await patient.post(`/patients/${patientId}/entries/${outcomeEventId}/corrections`, {
    stream: outcome.body['streamId'],
    changes: [{ field: 'items', value: [1, 1, 1, 1, 1, 1, 1, 1, 2] }],
    reason: 'Tapped the wrong answer.',
  });
  expect(corrected.status).toBe(201);
  return { patientId, outcomeEventId };
}
