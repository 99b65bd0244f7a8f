import { Writable } from 'node:stream';
import pino, { type DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * One JSON log line as a person reads it on a terminal: time, level, context, message, and for a
 * request its method, path, status and duration (docs/deployment.md, "Logs").
 */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = new Date(typeof entry['time'] === 'number' ? entry['time'] : Date.now()).toISOString().slice(11, 23);
  const level = (LEVELS[entry['level'] as number] ?? String(entry['level'])).padEnd(5);
  const context = typeof entry['context'] === 'string' ? ` [${entry['context']}]` : '';
  const req = entry['req'] as { method?: string; url?: string; id?: string } | undefined;
  const res = entry['res'] as { statusCode?: number } | undefined;
  const request = req
    ? ` ${req.method} ${req.url} ${res?.statusCode ?? ''} ${entry['responseTime'] ?? ''}ms (${req.id})`.replace(
        /\s+\(/,
        ' (',
      )
    : '';
  const error = entry['err'] as { stack?: string } | undefined;
  return `${time} ${level}${context} ${String(entry['msg'] ?? '')}${request}${error?.stack ? `\n${error.stack}` : ''}`;
}

/**
 * Where the logs go: pretty lines on a terminal, JSON lines anywhere else (a file, a pipe, a log
 * collector). Both are written synchronously, so the startup banner printed after listening is
 * the last line of the startup.
 */
export function logDestination(out: NodeJS.WriteStream = process.stdout): DestinationStream {
  if (!out.isTTY) return pino.destination({ dest: 1, sync: true });
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '');
      out.write(lines.map((line) => `${prettyLine(line)}\n`).join(''));
      done();
    },
  });
}
