import { InvalidTimestamp, OccurredInFuture } from './errors';
import { assertNotInFuture, resolveOccurredAt, toMillis, utcMonth, utcYear } from './time';

describe('time', () => {
  it('computes the UTC month of an instant with any offset', () => {
    expect(utcMonth('2026-03-02T08:00:00Z')).toBe('2026-03');
    expect(utcMonth('2026-03-01T00:30:00+01:00')).toBe('2026-02');
    expect(utcMonth('2024-02-29T23:59:59.999Z')).toBe('2024-02');
    expect(utcMonth('2000-12-31T23:00:00-02:00')).toBe('2001-01');
    expect(utcYear('2025-12-31T23:30:00-01:00')).toBe('2026');
  });

  it('rule InvalidTimestamp: only ISO-8601 instants with a zone are accepted', () => {
    expect(() => toMillis('2026-03-02 08:00', 'occurredAt')).toThrow(InvalidTimestamp);
    expect(() => toMillis('2026-03-02T08:00:00', 'occurredAt')).toThrow(InvalidTimestamp);
    expect(() => toMillis('2026-13-02T08:00:00Z', 'occurredAt')).toThrow(InvalidTimestamp);
  });

  it('rule OccurredInFuture: tolerates five minutes of clock skew, not more', () => {
    const now = '2026-03-10T12:00:00Z';
    expect(() => assertNotInFuture('2026-03-10T12:04:59Z', now, 'occurredAt')).not.toThrow();
    expect(() => assertNotInFuture('2026-03-10T12:05:01Z', now, 'occurredAt')).toThrow(OccurredInFuture);
  });

  it('defaults occurredAt to the decision time', () => {
    expect(resolveOccurredAt(undefined, '2026-03-10T12:00:00Z')).toBe('2026-03-10T12:00:00Z');
  });
});
