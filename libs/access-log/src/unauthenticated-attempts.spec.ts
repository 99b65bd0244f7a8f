import {
  UNAUTHENTICATED_CATEGORY,
  UnauthenticatedAttempts,
  type UnauthenticatedAttempt,
} from './unauthenticated-attempts';

const attempt = (at: string, clientAddress: string | null = '10.0.0.1', route = '/patients/:patientId/plan') =>
  ({
    at,
    clientAddress,
    status: 401,
    method: 'GET',
    route,
    action: 'read',
    correlationId: `c-${at}`,
  }) satisfies UnauthenticatedAttempt;

describe('UnauthenticatedAttempts', () => {
  it('sums up one address in one minute into one record with the count', () => {
    const attempts = new UnauthenticatedAttempts();
    for (let s = 0; s < 50; s++)
      expect(attempts.add(attempt(`2026-03-01T08:00:${String(s).padStart(2, '0')}Z`))).toEqual([]);
    attempts.add(attempt('2026-03-01T08:00:59Z', '10.0.0.1', '/registry'));
    expect(attempts.close('2026-03-01T08:00:59.999Z')).toEqual([]);
    const [record, ...rest] = attempts.close('2026-03-01T08:01:00Z');
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      recordedAt: '2026-03-01T08:01:00Z',
      userId: null,
      patientId: null,
      category: UNAUTHENTICATED_CATEGORY,
      outcome: 'denied',
      status: 401,
      clientAddress: '10.0.0.1',
      correlationId: 'c-2026-03-01T08:00:00Z',
      detail: {
        attempts: 51,
        minute: '2026-03-01T08:00:00.000Z',
        byStatus: { 401: 51 },
        byRoute: { 'GET /patients/:patientId/plan': 50, 'GET /registry': 1 },
      },
    });
  });

  it('keeps addresses and minutes apart', () => {
    const attempts = new UnauthenticatedAttempts();
    attempts.add(attempt('2026-03-01T08:00:01Z', '10.0.0.1'));
    attempts.add(attempt('2026-03-01T08:00:02Z', '10.0.0.2'));
    attempts.add(attempt('2026-03-01T08:01:01Z', '10.0.0.1'));
    expect(attempts.close('2026-03-01T08:01:30Z').map((r) => r.clientAddress)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(attempts.close('2026-03-01T08:01:30Z', true).map((r) => r.detail['minute'])).toEqual([
      '2026-03-01T08:01:00.000Z',
    ]);
  });

  it('holds a bounded number of sources, handing back the oldest early, and bounds the address', () => {
    const attempts = new UnauthenticatedAttempts(2);
    attempts.add(attempt('2026-03-01T08:00:01Z', 'a'.repeat(500)));
    attempts.add(attempt('2026-03-01T08:00:02Z', 'b'));
    const closed = attempts.add(attempt('2026-03-01T08:00:03Z', 'c'));
    expect(closed.map((r) => r.clientAddress)).toEqual(['a'.repeat(64)]);
    expect(attempts.close('2026-03-01T08:00:04Z', true)).toHaveLength(2);
  });
});
