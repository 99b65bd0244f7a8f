import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { mergeMap, type Observable } from 'rxjs';
import { AccessAudit } from './access-audit';
import { AuditRoutes } from './audit-routes';

/**
 * Records the allowed accesses of audited routes before they are answered.
 * Errors (denials included) go on to the exception filter, which records
 * them: guards refuse before any interceptor runs, so only the filter sees
 * every failure.
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  constructor(
    private readonly routes: AuditRoutes,
    private readonly audit: AccessAudit,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const route = this.routes.forRequest(request);
    if (!route?.audit) return next.handle();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.audit.record(request, route, route.successStatus, result);
        return result;
      }),
    );
  }
}
