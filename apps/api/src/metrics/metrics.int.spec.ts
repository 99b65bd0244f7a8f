import { parseMetrics, sampleSum } from '@caretrail/observability/testing';
import { testUser } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

/** GET /metrics of a running API (docs/deployment.md, Metrics), parsed as Prometheus text. */
describe('GET /metrics', () => {
  const t = useTestApi();

  const scrape = async () => {
    const admin = await testUser(t.api, 'admin');
    const response = await t.api.http.get('/metrics').set('Authorization', admin.auth).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return parseMetrics(response.text);
  };
  const goal = (description: string, ifMatch?: number) => {
    const post = t.api.http.post(`/patients/${t.p.patientId}/goals`).set('Authorization', t.p.therapist.auth);
    return (ifMatch === undefined ? post : post.set('If-Match', `"${ifMatch}"`)).send({ description });
  };

  it('needs an admin token', async () => {
    expect((await t.api.http.get('/metrics')).status).toBe(401);
    expect((await t.api.http.get('/metrics').set('Authorization', t.p.therapist.auth)).status).toBe(403);
  });

  it('counts requests by route template, commands by outcome, and store latency', async () => {
    const before = await scrape();
    const accepted = await goal('Walk daily.').expect(201);
    await goal('Run daily.', Number(accepted.body.version) - 1).expect(412);
    await goal('').expect(400);
    const after = await scrape();

    const route = { method: 'POST', route: '/patients/:patientId/goals' };
    const moved = (name: string, labels: Record<string, string>) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    expect(moved('caretrail_http_requests_total', { ...route, status_class: '2xx' })).toBe(1);
    expect(moved('caretrail_http_requests_total', { ...route, status_class: '4xx' })).toBe(2);
    expect(moved('caretrail_commands_total', { command: 'SetTreatmentGoal', outcome: 'accepted' })).toBe(1);
    expect(
      moved('caretrail_commands_total', { command: 'SetTreatmentGoal', outcome: 'conflict', code: 'VERSION_CONFLICT' }),
    ).toBe(1);
    // No patient id in any label: routes are templates.
    for (const family of after.values())
      for (const sample of family.metrics) expect(JSON.stringify(sample.labels ?? {})).not.toContain(t.p.patientId);
    for (const name of [
      'caretrail_http_request_duration_seconds',
      'caretrail_event_store_append_duration_seconds',
      'caretrail_event_store_read_duration_seconds',
    ])
      expect(after.get(name)?.type).toBe('HISTOGRAM');
    expect(sampleSum(after, 'caretrail_process_cpu_seconds_total', { service: 'api' })).toBeGreaterThan(0);
  });

  it('counts an append refused because the stream moved', async () => {
    const before = sampleSum(await scrape(), 'caretrail_event_store_append_conflicts_total');
    const stream = `careplan-${t.p.patientId}`;
    await expect(t.api.store.append(stream, [{ type: 'Probe', data: {} }], { expectedVersion: 1 })).rejects.toThrow(
      /version/i,
    );
    expect(sampleSum(await scrape(), 'caretrail_event_store_append_conflicts_total')).toBe(before + 1);
  });

  it('reports the integrity verdict, the pool, the read models and the access log', async () => {
    const metrics = await scrape();
    expect(sampleSum(metrics, 'caretrail_integrity_state')).toBe(1);
    expect(sampleSum(metrics, 'caretrail_integrity_breaks')).toBe(0);
    expect(sampleSum(metrics, 'caretrail_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(sampleSum(metrics, 'caretrail_access_log_write_failures_total')).toBe(0);
  });
});
