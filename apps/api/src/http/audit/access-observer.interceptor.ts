import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { ApiRequest as Request } from '../request';
import { mergeMap, type Observable } from 'rxjs';
import { ACCESS_OBSERVER } from '../tokens';
import type { AccessObserver } from './access-observer';

/**
 * Tells the access observer about every successful request before it is
 * answered. Errors (denials included) go on to the exception filter, which
 * reports them: guards refuse before any interceptor runs, so only the filter
 * sees every failure.
 */
@Injectable()
export class AccessObserverInterceptor implements NestInterceptor {
  constructor(@Inject(ACCESS_OBSERVER) private readonly observer: AccessObserver) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.method !== 'GET') {
      const alongside = this.observer.alongside?.(request);
      if (alongside) request.accessAlongside = alongside;
    }
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.observer.succeeded(request, result);
        return result;
      }),
    );
  }
}
