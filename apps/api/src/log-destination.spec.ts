import { prettyLine } from './log-destination';

describe('pretty log lines for a terminal', () => {
  it('shows time, level, context and message', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-11-30T16:00:01.234Z'),
      context: 'Nest',
      msg: 'up',
    });
    expect(prettyLine(line)).toBe('16:00:01.234 INFO  [Nest] up');
  });

  it('shows a request by method, path, status, duration and correlation id', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.parse('2026-11-30T16:00:01.234Z'),
      msg: 'request completed',
      req: { id: 'c-1', method: 'GET', url: '/health' },
      res: { statusCode: 200 },
      responseTime: 4,
    });
    expect(prettyLine(line)).toBe('16:00:01.234 INFO  request completed GET /health 200 4ms (c-1)');
  });

  it('passes a line that is not JSON through as it is', () => {
    expect(prettyLine('not json')).toBe('not json');
  });
});
