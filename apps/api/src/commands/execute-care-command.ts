import { Inject, Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { executeCommand, FoldedStateCache, StreamWriteQueue, type CommandWritePorts } from '@caretrail/care-log';
import { DomainError, type DomainCommand, type Actor } from '@caretrail/domain';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BrokenChain,
  EventStoreError,
  IdempotencyKeyReused,
  InvalidAppend,
  WrongExpectedVersion,
  type AppendResult,
  type EventStore,
} from '@caretrail/event-store';
import { tracer } from '@caretrail/observability';
import { Problem } from '../http/problems/problem';
import { EVENT_STORE } from '../http/tokens';
import type { WriteRequest } from '../http/write/write-context';
import { IntegrityMonitor } from '../integrity/integrity-monitor';
import { ApiMetrics, type CommandOutcome } from '../metrics/api-metrics';
import { PersonalData } from '../privacy/personal-data';
import { CareEventsRecorded } from './care-events-recorded';

/** Carries any domain command to the one generic handler below. */
export class ExecuteCareCommand {
  constructor(
    readonly command: DomainCommand,
    readonly actor: Actor,
    readonly request: WriteRequest,
  ) {}
}

/**
 * The API's end of the write path: `executeCommand` of
 * @caretrail/care-log on the event store, with this process's personal-data
 * keys (docs/architecture.md, "Write side"). Each recorded command is
 * published on the in-process EventBus as `CareEventsRecorded`.
 */
@Injectable()
export class ExecuteCareCommandHandler {
  private readonly ports: CommandWritePorts;
  /** Folded state of the streams this process wrote lately (docs/architecture.md, "Folded state cache"). */
  readonly cache: FoldedStateCache;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    personalData: PersonalData,
    private readonly integrity: IntegrityMonitor,
    private readonly events: EventBus,
    private readonly metrics: ApiMetrics,
  ) {
    this.cache = new FoldedStateCache(store, (events) => personalData.open(events));
    // An erasure here drops the patient's opened state at once; one elsewhere moves the care-plan
    // stream every cached state of the patient read, so it is reloaded before it is used again.
    personalData.onErased((patientId) => this.cache.evictPatient(patientId));
    this.ports = {
      log: store,
      loader: this.cache,
      seal: (type, data) => personalData.seal(type, data),
      // One queue per process: this handler is a singleton.
      queue: new StreamWriteQueue(),
      ...(integrity.writeCheck ? { integrity: integrity.writeCheck } : {}),
    };
  }

  /**
   * Runs the command in a span of its own, a child of the request's (docs/deployment.md, Traces): its
   * traceparent is stored in the events' metadata. Counts the outcome in caretrail_commands_total.
   */
  execute(command: ExecuteCareCommand): Promise<AppendResult> {
    const type = command.command.type;
    return tracer().startActiveSpan(`command ${type}`, { attributes: { 'caretrail.command': type } }, async (span) => {
      try {
        const appended = await this.decideOrExplain(command);
        this.metrics.commandDecided(type, 'accepted');
        return appended;
      } catch (error) {
        const { outcome, code } = outcomeOf(error);
        this.metrics.commandDecided(type, outcome, code);
        span.setAttributes({ 'caretrail.command.outcome': outcome, 'caretrail.command.code': code });
        if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: code });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async decideOrExplain(command: ExecuteCareCommand): Promise<AppendResult> {
    try {
      return await this.decide(command);
    } catch (error) {
      if (error instanceof BrokenChain) throw this.integrity.refusal(error);
      // A refusal, a conflict or a problem is the write's own answer; anything else may be its access record's.
      const known = error instanceof DomainError || error instanceof EventStoreError || error instanceof Problem;
      if (!known && command.request.access) throw command.request.access.failed(error);
      throw error;
    }
  }

  private async decide({ command, actor, request }: ExecuteCareCommand): Promise<AppendResult> {
    const { appended, events, alongsideCommitted } = await executeCommand(this.ports, {
      command,
      context: { now: request.now, actor },
      correlationId: request.correlationId,
      ...(request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }),
      // Keys are scoped to the caller: nobody can replay someone else's response.
      ...(request.idempotencyKey ? { idempotencyKey: `${actor.userId}:${request.idempotencyKey}` } : {}),
      ...(request.requestHash ? { requestHash: request.requestHash } : {}),
      ...(request.clientAddress ? { extra: { clientAddress: request.clientAddress } } : {}),
      // The access record commits with the events (docs/audit.md).
      ...(request.access ? { alongside: request.access.statement } : {}),
    });
    if (alongsideCommitted) request.access?.committed();
    this.events.publish(
      new CareEventsRecorded(
        command.type,
        appended.streamId,
        appended.nextExpectedVersion,
        String(appended.positions.at(-1) ?? ''),
        events.map((event) => event.type),
        appended.replayed,
        actor.role,
        request.correlationId,
      ),
    );
    return appended;
  }
}

/**
 * How a failed command ended, with the code its problem answer carries: a domain refusal or a bad
 * request is `rejected`, a version mismatch (If-Match, or retries run out) `conflict`, the rest `error`.
 */
function outcomeOf(error: unknown): { outcome: CommandOutcome; code: string } {
  if (error instanceof WrongExpectedVersion) return { outcome: 'conflict', code: 'VERSION_CONFLICT' };
  if (error instanceof DomainError)
    return { outcome: 'rejected', code: error.kind === 'forbidden' ? 'FORBIDDEN' : error.code };
  if (error instanceof IdempotencyKeyReused) return { outcome: 'rejected', code: 'IDEMPOTENCY_KEY_REUSED' };
  if (error instanceof InvalidAppend) return { outcome: 'rejected', code: 'INVALID_APPEND' };
  if (error instanceof Problem) return { outcome: error.status < 500 ? 'rejected' : 'error', code: error.code };
  return { outcome: 'error', code: 'INTERNAL_ERROR' };
}
