import {
  addDays,
  daysBetween,
  isCalendarDate,
  isValidTimeZone,
  localDate,
  UnknownTimeZone,
  weekday,
  weekdayOfEpochDay,
} from './calendar';

describe('calendar (docs/clinical-rules.md, "Days and time zones")', () => {
  it.each(['UTC', 'Europe/London', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata'])('%s is a zone', (zone) =>
    expect(isValidTimeZone(zone)).toBe(true),
  );

  it.each(['Europe/Londn', 'Mars/Olympus', '', 'Europe/London/Extra'])('"%s" is not a zone', (zone) =>
    expect(isValidTimeZone(zone)).toBe(false),
  );

  it('a local date is the calendar day in the zone: 23:30 UTC on 1 July is 2 July in Berlin (UTC+2), 1 July in London (UTC+1)', () => {
    expect(localDate('2026-07-01T23:30:00Z', 'Europe/Berlin')).toBe('2026-07-02');
    expect(localDate('2026-07-01T22:30:00Z', 'Europe/London')).toBe('2026-07-01');
    expect(localDate(Date.parse('2026-07-01T23:30:00Z'), 'UTC')).toBe('2026-07-01');
  });

  it('rule UnknownTimeZone: a zone that does not resolve is an error, never UTC', () =>
    expect(() => localDate('2026-07-01T23:30:00Z', 'Europe/Londn')).toThrow(UnknownTimeZone));

  it('day arithmetic crosses months, leap days and daylight-saving changes by whole days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetween('2026-03-31', '2026-03-01')).toBe(-30);
  });

  it('weekdays: 1 January 1970 was a Thursday, 2 March 2026 a Monday', () => {
    expect(weekdayOfEpochDay(0)).toBe('thu');
    expect(weekdayOfEpochDay(-1)).toBe('wed');
    expect(weekday('2026-03-02')).toBe('mon');
  });

  it('a calendar date names a real day', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-2-3')).toBe(false);
  });
});
