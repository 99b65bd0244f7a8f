import { Injectable } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { createMetricsRegistry, eventStoreMetrics, type EventStoreTimings } from '@caretrail/observability';

/** How a command ended (docs/deployment.md, Metrics). */
export type CommandOutcome = 'accepted' | 'rejected' | 'conflict' | 'error';

/** HTTP latency buckets: 5 ms to 10 s. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * This API process's metrics (docs/deployment.md, Metrics): one registry,
 * served by `GET /metrics`. Labels are low-cardinality by construction:
 * routes are templates, codes come from the product's own list, and no
 * patient, user or stream id is ever a label. Parts of the process that own
 * a gauge (integrity, read models, relay, pool) register it on `registry`.
 */
@Injectable()
export class ApiMetrics {
  readonly registry: Registry = createMetricsRegistry('api');
  readonly eventStore: EventStoreTimings = eventStoreMetrics(this.registry);

  private readonly requests = new Counter({
    name: 'caretrail_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status class (2xx, 4xx, ...).',
    labelNames: ['method', 'route', 'status_class'] as const,
    registers: [this.registry],
  });

  private readonly latency = new Histogram({
    name: 'caretrail_http_request_duration_seconds',
    help: 'Time from the first byte of a request to the last of its answer, by method, route template and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  private readonly commands = new Counter({
    name: 'caretrail_commands_total',
    help: 'Commands by type and outcome (accepted, rejected with its problem code, conflict, error).',
    labelNames: ['command', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  private readonly accessLogFailures = new Counter({
    name: 'caretrail_access_log_write_failures_total',
    help: 'Access records that could not be written (each request among them was answered 503; docs/audit.md).',
    registers: [this.registry],
  });

  /** `route` is the matched route's template (`/patients/:patientId/doses/taken`), never the path itself. */
  requestAnswered(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status_class: `${Math.floor(status / 100)}xx` };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }

  /** `code` is the problem code of a refusal (empty when accepted). */
  commandDecided(command: string, outcome: CommandOutcome, code = ''): void {
    this.commands.inc({ command, outcome, code });
  }

  accessRecordFailed(): void {
    this.accessLogFailures.inc();
  }
}
