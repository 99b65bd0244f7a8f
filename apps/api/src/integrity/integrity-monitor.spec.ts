import type { SqlDatabase } from '@caretrail/event-store';
import { apiConfigFromEnv } from '../config/api-config';
import { ApiMetrics } from '../metrics/api-metrics';
import { IntegrityMonitor } from './integrity-monitor';

describe('IntegrityMonitor', () => {
  const sql = { schema: 'caretrail' } as SqlDatabase;

  it('hands the write path its chain check, unless INTEGRITY_CHECKS=off (benchmarks only)', () => {
    const on = new IntegrityMonitor(sql, apiConfigFromEnv({}), new ApiMetrics());
    expect(on.writeCheck).toBe(on.guard);
    const off = new IntegrityMonitor(sql, apiConfigFromEnv({ INTEGRITY_CHECKS: 'off' }), new ApiMetrics());
    expect(off.writeCheck).toBeUndefined();
  });
});
