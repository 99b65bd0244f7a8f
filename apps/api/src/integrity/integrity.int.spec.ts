import { withAdminClient } from '@caretrail/event-store/testing';
import { testUser } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

describe('GET /admin/integrity', () => {
  // Its patient gives the chains something to verify.
  const t = useTestApi();

  it('verifies the chains for an admin', async () => {
    const admin = await testUser(t.api, 'admin');
    const response = await t.api.http.get('/admin/integrity/verify').set('Authorization', admin.auth).expect(200);
    expect(response.body).toMatchObject({
      ok: true,
      events: { ok: true, firstBreak: null },
      accessLog: { ok: true, firstBreak: null },
    });
    expect(response.body.events.eventsChecked).toBeGreaterThan(0);
    expect(response.body.accessLog.recordsChecked).toBeGreaterThan(0);
    const anchor = await t.api.http.get('/admin/integrity/anchor?upTo=1').set('Authorization', admin.auth).expect(200);
    expect(anchor.body).toMatchObject({ position: 1, events: 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('names the first edited access record', async () => {
    const admin = await testUser(t.api, 'admin');
    const schema = t.api.sql.schema;
    await withAdminClient(async (client) => {
      await client.query(`ALTER TABLE "${schema}".access_log DISABLE TRIGGER USER`);
      await client.query(
        `UPDATE "${schema}".access_log SET user_id = 'someone-else' WHERE id = (SELECT min(id) FROM "${schema}".access_log)`,
      );
      await client.query(`ALTER TABLE "${schema}".access_log ENABLE TRIGGER USER`);
    });
    const response = await t.api.http.get('/admin/integrity/verify').set('Authorization', admin.auth).expect(200);
    expect(response.body).toMatchObject({
      ok: false,
      events: { ok: true },
      accessLog: { ok: false, firstBreak: { reason: 'content-changed' } },
    });
  });

  it('is for admins only, and refuses a malformed position', async () => {
    const therapist = await testUser(t.api, 'therapist');
    expect((await t.api.http.get('/admin/integrity/verify').set('Authorization', therapist.auth)).status).toBe(403);
    const admin = await testUser(t.api, 'admin');
    expect((await t.api.http.get('/admin/integrity/anchor?upTo=minus').set('Authorization', admin.auth)).status).toBe(
      400,
    );
  });
});
