import { Injectable } from '@nestjs/common';
import type { ApiRequest as Request } from '../http/request';
import type { AccessAlongside, AccessObserver } from '../http/audit/access-observer';
import { Problem } from '../http/problems/problem';
import { AccessAudit } from './access-audit';
import { AuditRoutes } from './audit-routes';

/** Records the accesses of audited routes, allowed or refused, before they are answered (docs/audit.md). */
@Injectable()
export class AccessLogObserver implements AccessObserver {
  constructor(
    private readonly routes: AuditRoutes,
    private readonly audit: AccessAudit,
  ) {}

  async succeeded(request: Request, result: unknown): Promise<void> {
    const route = this.routes.forRequest(request);
    if (route?.audit) await this.audit.record(request, route, route.successStatus, result);
  }

  /** A write's record goes into the transaction of its events when it needs nothing from the result. */
  alongside(request: Request): AccessAlongside | undefined {
    const route = this.routes.forRequest(request);
    return route ? this.audit.alongside(request, route) : undefined;
  }

  /** Denials above all are recorded; when the log cannot be written the answer becomes its 503. */
  async failed(request: Request, problem: Problem): Promise<Problem> {
    const route = this.routes.forRequest(request);
    if (!route) return problem;
    try {
      await this.audit.record(request, route, problem.status);
      return problem;
    } catch (error) {
      return error instanceof Problem ? error : problem;
    }
  }
}
