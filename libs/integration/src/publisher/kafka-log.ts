import { logLevel as KafkaLogLevel } from 'kafkajs';

/** What the Kafka client may log, most to least severe; `nothing` silences it. */
export type PublisherLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';
/** The level of one line handed to the publisher's `log`. */
export type PublisherLogLineLevel = Exclude<PublisherLogLevel, 'nothing'>;

const RANK: Record<PublisherLogLevel, number> = { nothing: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** The kafkajs threshold for a configured level (kafkajs has no level of its own between info and debug). */
export function kafkajsLogLevel(level: PublisherLogLevel): KafkaLogLevel {
  switch (level) {
    case 'nothing':
      return KafkaLogLevel.NOTHING;
    case 'error':
      return KafkaLogLevel.ERROR;
    case 'warn':
      return KafkaLogLevel.WARN;
    case 'info':
      return KafkaLogLevel.INFO;
    case 'debug':
      return KafkaLogLevel.DEBUG;
  }
}

export interface KafkaLogLine {
  level: PublisherLogLineLevel;
  message: string;
}

/**
 * The level a kafkajs log entry deserves in CareTrail's logs, or null to
 * drop it because it is below `threshold`. kafkajs logs some conditions it
 * expects and handles itself at ERROR; they are downgraded here so that an
 * error line always means something an operator must look at (docs/kafka.md,
 * Logging):
 *
 * - `Response CreateTopics ... Topic creation errors`: the broker answers a
 *   topic that already exists with TOPIC_ALREADY_EXISTS, which kafkajs logs
 *   before its admin client treats it as success. Any other creation error
 *   is still thrown to the publisher and reported there, so the line itself
 *   carries nothing: debug.
 * - `Limiting retries for the idempotent producer`: the publisher bounds the
 *   client's retries on purpose (kafkajs-publisher.ts): debug.
 */
export function kafkaLogLine(
  kafkajsLevel: KafkaLogLevel,
  entry: { message: string; [field: string]: unknown },
  threshold: PublisherLogLevel,
): KafkaLogLine | null {
  const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry;
  const level = expected(message, extra) ?? levelOf(kafkajsLevel);
  if (RANK[level] > RANK[threshold]) return null;
  return { level, message: Object.keys(extra).length ? `${message} ${JSON.stringify(extra)}` : message };
}

function expected(message: string, extra: Record<string, unknown>): PublisherLogLineLevel | null {
  if (message.startsWith('Response CreateTopics') && extra['error'] === 'Topic creation errors') return 'debug';
  if (message.startsWith('Limiting retries for the idempotent producer')) return 'debug';
  return null;
}

function levelOf(level: KafkaLogLevel): PublisherLogLineLevel {
  if (level <= KafkaLogLevel.ERROR) return 'error';
  if (level === KafkaLogLevel.WARN) return 'warn';
  if (level === KafkaLogLevel.INFO) return 'info';
  return 'debug';
}
