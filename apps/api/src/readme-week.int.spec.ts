import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActorRole } from '@caretrail/domain';
import { useTestApi } from './testing/harness';

interface Step {
  path: string;
  body: unknown;
}

/**
 * The README's "Try it: a week of care", played with its own bodies: every `POST <path>` of the
 * list with the JSON that follows it (inline or in a block), ids passed from answer to answer.
 */
function readmeSteps(): Step[] {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it: a week of care'), readme.indexOf('Every write answers'));
  const steps: Step[] = [];
  const post = /`POST (\/patients[^`]*)` with\s*/g;
  for (let match = post.exec(section); match; match = post.exec(section)) {
    let rest = section.slice(post.lastIndex);
    const path = match[1]!;
    // One or more bodies: ```json blocks, or `{...}` inline, joined by "and".
    for (;;) {
      const block = /^```json\n([\s\S]*?)```/.exec(rest.replace(/^\s+/, ''));
      const inline = /^`(\{[^`]*\})`/.exec(rest.replace(/^\s+/, ''));
      const found = block ?? inline;
      if (!found) break;
      steps.push({ path, body: JSON.parse(found[1]!.replace(/\n\s*/g, '')) });
      rest = rest.replace(/^\s+/, '').slice(found[0].length);
      const and = /^\s*(\([^)]*\)\s*)?and\s+/.exec(rest);
      if (!and) break;
      rest = rest.slice(and[0].length);
    }
  }
  return steps;
}

/** Who the README says sends each step. */
function senderOf(path: string): { userId: string; role: ActorRole } | 'patient' {
  if (path.includes('/medications')) return { userId: 'dr-priya', role: 'prescriber' };
  if (/\/(doses|side-effects|outcomes)/.test(path)) return 'patient';
  return { userId: 'dr-theo', role: 'therapist' };
}

describe('the README’s week of care, as written', () => {
  const t = useTestApi({ enrol: false });

  it('plays every step with the README’s bodies, and the caseload shows the patient by name', async () => {
    const steps = readmeSteps();
    expect(steps.map((s) => s.path)).toEqual([
      '/patients',
      '/patients/{id}/care-team',
      '/patients/{id}/care-plan',
      '/patients/{id}/medications',
      '/patients/{id}/doses/taken',
      '/patients/{id}/doses/missed',
      '/patients/{id}/side-effects',
      '/patients/{id}/outcomes',
      '/patients/{id}/outcomes',
    ]);
    const ids: Record<string, string> = {};
    for (const step of steps) {
      const sender = senderOf(step.path);
      const auth =
        sender === 'patient'
          ? await t.api.bearer(ids['id']!, 'patient')
          : await t.api.bearer(sender.userId, sender.role);
      const path = step.path.replace('{id}', ids['id'] ?? '');
      const body = JSON.parse(JSON.stringify(step.body).replace('<medicationId>', ids['medicationId'] ?? ''));
      const response = await t.api.http.post(path).set('Authorization', auth).send(body);
      expect({ path: step.path, status: response.status, body: response.status === 201 ? {} : response.body }).toEqual({
        path: step.path,
        status: 201,
        body: {},
      });
      if (step.path === '/patients') ids['id'] = response.body.id;
      if (step.path.endsWith('/medications')) ids['medicationId'] = response.body.id;
    }
    const therapist = await t.api.bearer('dr-theo', 'therapist');
    for (;;) {
      const caseload = await t.api.http.get('/patients?name=hopper').set('Authorization', therapist).expect(200);
      if (caseload.body.total > 0) {
        expect(caseload.body.items[0]).toMatchObject({
          patientId: ids['id'],
          name: { given: 'Grace', family: 'Hopper' },
        });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
