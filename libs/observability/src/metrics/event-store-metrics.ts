import { Counter, Histogram, type Registry } from 'prom-client';

/** How an append ended: written, refused because the stream moved (an expected-version mismatch), or failed. */
export type AppendOutcome = 'ok' | 'conflict' | 'error';

/** The reads of the log the store times: one stream, the global order, one patient. */
export type LogRead = 'stream' | 'all' | 'patient';

/** What the event store reports of its own work (SqlEventStore.observe). */
export interface EventStoreTimings {
  appended(seconds: number, outcome: AppendOutcome): void;
  read(operation: LogRead, seconds: number): void;
}

/** Latency buckets of one database round trip or a few: 0.5 ms to 2.5 s. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The event store's metrics: append and read latency, and append conflicts
 * (the stream moved since it was read: a race another writer won, retried by
 * the write path or answered 409/412). One observe per call, nothing per event.
 */
export function eventStoreMetrics(registry: Registry): EventStoreTimings {
  const appends = new Histogram({
    name: 'caretrail_event_store_append_duration_seconds',
    help: 'Time of one append to the event log, by outcome (ok, conflict, error).',
    labelNames: ['outcome'] as const,
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const reads = new Histogram({
    name: 'caretrail_event_store_read_duration_seconds',
    help: 'Time of one read of the event log: a stream, a page of the global order, or one patient.',
    labelNames: ['operation'] as const,
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const conflicts = new Counter({
    name: 'caretrail_event_store_append_conflicts_total',
    help: 'Appends refused because the stream (or a stream the decision read) moved since it was read.',
    registers: [registry],
  });
  return {
    appended(seconds, outcome) {
      appends.observe({ outcome }, seconds);
      if (outcome === 'conflict') conflicts.inc();
    },
    read(operation, seconds) {
      reads.observe({ operation }, seconds);
    },
  };
}
