import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ApiRequest as Request } from '../http/request';
import {
  AccessLog,
  UnauthenticatedAttempts,
  type AccessAction,
  type AccessRecord,
  type AccessRecordInput,
} from '@caretrail/access-log';
import type { SqlDatabase } from '@caretrail/event-store';
import type { ApiConfig } from '../config/api-config';
import { SQL_DATABASE, API_CONFIG } from '../http/tokens';
import { clientAddressOf } from '../http/connection/client-address';
import { Problem } from '../http/problems/problem';
import { ID_PATTERN } from '../http/validation/decorators';
import type { AccessAlongside } from '../http/audit/access-observer';
import type { AuditMetadata } from '../http/audit/audit-category';
import { ApiMetrics } from '../metrics/api-metrics';
import type { RouteInfo } from './audit-routes';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the access record of this request is written (or failed to be). */
    accessRecord?: 'written' | 'failed';
  }
}

/** The answer when the access log cannot be written: nothing is served unrecorded. */
export const accessLogUnavailable = (): Problem =>
  new Problem(
    503,
    'ACCESS_LOG_UNAVAILABLE',
    'The access log cannot be written',
    'The request was not answered because its access could not be recorded; retry shortly.',
    undefined,
    { 'Retry-After': '1' },
  );

/**
 * Writes one access record per request to an audited route: who, which
 * patient, what kind of data, what action, how it ended, from where, under
 * which correlation id. Called before the answer leaves; when the record
 * cannot be written the request fails with 503 instead (docs/audit.md).
 */
@Injectable()
export class AccessAudit implements OnModuleDestroy {
  private readonly logger = new Logger('AccessLog');
  readonly log: AccessLog;
  private readonly enabled: boolean;
  private readonly unauthenticated = new UnauthenticatedAttempts();
  private readonly closing: NodeJS.Timeout;

  constructor(
    @Inject(SQL_DATABASE) sql: SqlDatabase,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly metrics: ApiMetrics,
  ) {
    this.log = new AccessLog(sql);
    this.enabled = config.accessLog;
    if (!this.enabled) this.logger.warn('ACCESS_LOG=off: accesses to patient data are NOT recorded (benchmarks only)');
    this.closing = setInterval(() => void this.closeUnauthenticatedWindows(), 5_000).unref();
  }

  /** Before the store closes (onApplicationShutdown): the open minutes are written now. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.closing);
    await this.closeUnauthenticatedWindows(true);
  }

  /**
   * Writes the summary records of the minutes that are over (all of them when
   * `everything`). A failure is logged: the requests were answered already.
   */
  async closeUnauthenticatedWindows(everything = false): Promise<void> {
    await this.writeSummaries(this.unauthenticated.close(new Date().toISOString(), everything));
  }

  private async writeSummaries(records: AccessRecordInput[]): Promise<void> {
    await Promise.all(
      records.map((record) =>
        this.log.append(record).catch((error: unknown) => {
          this.metrics.accessRecordFailed();
          this.logger.error(
            `unauthenticated attempts of ${record.clientAddress} not recorded: ${error instanceof Error ? error.message : String(error)}`,
          );
        }),
      ),
    );
  }

  /**
   * Records this request's access with the status it will be answered with.
   * Throws the 503 problem when the log cannot be written.
   */
  async record(
    request: Request,
    route: RouteInfo,
    status: number,
    result?: unknown,
  ): Promise<AccessRecord | undefined> {
    const audit = route.audit;
    if (!audit || !this.enabled || request.accessRecord !== undefined) return undefined;
    const action: AccessAction =
      typeof audit.action === 'function'
        ? audit.action(request)
        : (audit.action ?? (request.method === 'GET' ? 'read' : 'create'));
    if (!request.principal) {
      // No caller to hold to account: counted per address and minute, not written per request.
      request.accessRecord = 'written';
      await this.writeSummaries(
        this.unauthenticated.add({
          at: new Date().toISOString(),
          clientAddress: clientAddressOf(request),
          status,
          method: request.method,
          route: route.path,
          action,
          correlationId: String(request.id),
        }),
      );
      return undefined;
    }
    try {
      const record = await this.log.append(this.recordOf(request, route, audit, action, status, result));
      request.accessRecord = 'written';
      return record;
    } catch (error) {
      request.accessRecord = 'failed';
      this.metrics.accessRecordFailed();
      this.logger.error(`access record not written: ${error instanceof Error ? error.message : String(error)}`);
      throw accessLogUnavailable();
    }
  }

  /**
   * For a successful write whose record needs nothing from its result: the
   * record, written in the transaction that appends the write's events, so
   * it commits with them or neither does (docs/audit.md). `committed` is
   * called once that transaction committed; until then the request counts
   * as unrecorded, and its ordinary record is written after the handler.
   */
  alongside(request: Request, route: RouteInfo): AccessAlongside | undefined {
    const audit = route.audit;
    if (!audit || !this.enabled || !request.principal || audit.patient || audit.detail) return undefined;
    const action: AccessAction =
      typeof audit.action === 'function' ? audit.action(request) : (audit.action ?? 'create');
    return {
      statement: () => this.log.statementFor(this.recordOf(request, route, audit, action, route.successStatus)),
      committed: () => {
        request.accessRecord = 'written';
      },
      // The events and the record are one statement: a failure we cannot place may be the record's.
      failed: (error) => {
        request.accessRecord = 'failed';
        this.metrics.accessRecordFailed();
        this.logger.error(
          `write and its access record not written: ${error instanceof Error ? error.message : String(error)}`,
        );
        return accessLogUnavailable();
      },
    };
  }

  private recordOf(
    request: Request,
    route: RouteInfo,
    audit: AuditMetadata,
    action: AccessAction,
    status: number,
    result?: unknown,
  ): AccessRecordInput {
    const params = request.params as Record<string, string | undefined>;
    const patientId = audit.patient ? audit.patient(request, result) : params['patientId'];
    return {
      recordedAt: new Date().toISOString(),
      userId: request.principal?.userId ?? null,
      role: request.principal?.role ?? null,
      // Only a well-formed id is stored: a path segment is whatever the client typed.
      patientId: typeof patientId === 'string' && ID_PATTERN.test(patientId) ? patientId : null,
      category: audit.category,
      action,
      outcome: status === 401 || status === 403 ? 'denied' : 'allowed',
      status,
      method: request.method,
      route: route.path,
      clientAddress: clientAddressOf(request),
      correlationId: String(request.id),
      detail: (status < 400 ? audit.detail?.(request, result) : undefined) ?? {},
    };
  }
}
