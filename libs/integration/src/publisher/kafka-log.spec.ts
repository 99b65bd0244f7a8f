import { logLevel } from 'kafkajs';
import { kafkaLogLine, kafkajsLogLevel } from './kafka-log';

// The entry kafkajs 2.2 logs when the broker answers TOPIC_ALREADY_EXISTS.
const topicExists = {
  timestamp: '2026-11-30T13:00:00.000Z',
  logger: 'kafkajs',
  message: 'Response CreateTopics(key: 19, version: 3)',
  broker: '127.0.0.1:9092',
  clientId: 'caretrail-relay',
  error: 'Topic creation errors',
  correlationId: 2,
  size: 398,
};

describe('kafkajs log lines in CareTrail logs', () => {
  it('downgrades the answer for topics that already exist to debug', () => {
    expect(kafkaLogLine(logLevel.ERROR, topicExists, 'error')).toBeNull();
    expect(kafkaLogLine(logLevel.ERROR, topicExists, 'debug')).toEqual({
      level: 'debug',
      message:
        'Response CreateTopics(key: 19, version: 3) {"broker":"127.0.0.1:9092","clientId":"caretrail-relay",' +
        '"error":"Topic creation errors","correlationId":2,"size":398}',
    });
  });

  it('keeps other failed responses and connection errors at error', () => {
    const other = { ...topicExists, error: 'This server does not host this topic-partition' };
    expect(kafkaLogLine(logLevel.ERROR, other, 'error')?.level).toBe('error');
    const refused = { timestamp: 'x', logger: 'kafkajs', message: 'Connection error: connect ECONNREFUSED' };
    expect(kafkaLogLine(logLevel.ERROR, refused, 'error')).toEqual({
      level: 'error',
      message: 'Connection error: connect ECONNREFUSED',
    });
  });

  it("drops the warning about the publisher's own retry bound unless debugging", () => {
    const limiting = { message: 'Limiting retries for the idempotent producer to Number.MAX_SAFE_INTEGER' };
    expect(kafkaLogLine(logLevel.WARN, limiting, 'warn')).toBeNull();
    expect(kafkaLogLine(logLevel.WARN, limiting, 'debug')?.level).toBe('debug');
  });

  it('maps the other levels and honours the threshold', () => {
    expect(kafkaLogLine(logLevel.WARN, { message: 'w' }, 'warn')).toEqual({ level: 'warn', message: 'w' });
    expect(kafkaLogLine(logLevel.WARN, { message: 'w' }, 'error')).toBeNull();
    expect(kafkaLogLine(logLevel.INFO, { message: 'i' }, 'info')).toEqual({ level: 'info', message: 'i' });
    expect(kafkaLogLine(logLevel.DEBUG, { message: 'd' }, 'info')).toBeNull();
    expect(kafkaLogLine(logLevel.ERROR, { message: 'e' }, 'nothing')).toBeNull();
    expect([kafkajsLogLevel('nothing'), kafkajsLogLevel('error'), kafkajsLogLevel('debug')]).toEqual([
      logLevel.NOTHING,
      logLevel.ERROR,
      logLevel.DEBUG,
    ]);
  });
});
