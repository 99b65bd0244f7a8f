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

  describe('remembers dates per quarter hour and still gives exactly the formatted date', () => {
    /** The date as the runtime formats the instant itself, with a formatter of its own. */
    const references = new Map<string, Intl.DateTimeFormat>();
    const formatted = (ms: number, timeZone: string): string => {
      if (!references.has(timeZone))
        references.set(
          timeZone,
          new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
        );
      return references.get(timeZone)!.format(ms);
    };

    it.each([
      // Daylight saving at 01:00 UTC; at local midnight (Santiago); by 30 minutes (Lord Howe).
      ['Europe/London', Date.UTC(2026, 2, 29, 0, 0)],
      ['America/Santiago', Date.UTC(2026, 3, 5, 2, 0)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 14, 0)],
      // Offsets of 45 minutes; and off the quarter-hour grid (Monrovia was UTC-0:44:30 until 1972).
      ['Asia/Kathmandu', Date.UTC(2026, 0, 1, 18, 0)],
      ['Pacific/Chatham', Date.UTC(2026, 0, 1, 10, 0)],
      ['Africa/Monrovia', Date.UTC(1970, 5, 1, 0, 0)],
    ])('%s, minute by minute over two days around %d', (zone, around) => {
      const mismatches: string[] = [];
      for (let ms = around - 86_400_000; ms < around + 86_400_000; ms += 60_000 + 7) {
        // Twice: the first call fills the quarter hour, the second reads it back.
        for (const _ of [1, 2]) {
          const date = localDate(ms, zone);
          if (date !== formatted(ms, zone)) mismatches.push(`${new Date(ms).toISOString()}: ${date}`);
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('answers an ISO instant and epoch milliseconds alike, and refuses an unknown zone before remembering anything', () => {
      expect(localDate('2026-03-01T23:30:00-05:00', 'America/New_York')).toBe('2026-03-01');
      expect(localDate(Date.parse('2026-03-01T23:30:00-05:00'), 'America/New_York')).toBe('2026-03-01');
      expect(() => localDate(0, 'Mars/Olympus')).toThrow(UnknownTimeZone);
    });
  });
});
