import { ArgumentsHost, Catch, HttpException, Inject, Logger, Optional, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../request';
import { headerOf } from '../middleware';
import { DomainError, PatientNotEnrolled, whoMayIssue, type CommandType } from '@caretrail/domain';
import { IdempotencyKeyReused, InvalidAppend, WrongExpectedVersion } from '@caretrail/event-store';
import { InvalidToken } from '@caretrail/security';
import type { AccessObserver } from '../audit/access-observer';
import { ACCESS_OBSERVER } from '../tokens';
import { Problem } from './problem';

const STATUS_OF_KIND = { forbidden: 403, 'not-found': 404, conflict: 409, rule: 422 } as const;

/**
 * The one message every denial carries: it says nothing about the patient. A refused
 * command adds its rule (docs/domain.md, "Who may issue what"), which depends on the
 * command alone, so an unknown patient and someone else's patient still read the same.
 */
export const forbidden = (rule?: string): Problem =>
  new Problem(
    403,
    'FORBIDDEN',
    'Not permitted',
    `You are not permitted to do this for this patient.${rule ? ` ${rule}` : ''}`,
  );

const ruleOf = (error: DomainError): string | undefined =>
  error.command !== undefined && Object.hasOwn(whoMayIssue, error.command)
    ? whoMayIssue[error.command as CommandType]
    : undefined;

/**
 * Every error leaves the API as application/problem+json (RFC 9457). Only
 * errors the API did not anticipate become 500, logged with their stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problems');

  constructor(@Optional() @Inject(ACCESS_OBSERVER) private readonly observer?: AccessObserver) {}

  catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(error, request);
    if (problem.status >= 500 && problem.code !== 'ACCESS_LOG_UNAVAILABLE') {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    return (this.observer ? this.observer.failed(request, problem) : Promise.resolve(problem))
      .then((answer) => this.send(request, response, answer))
      .catch((failure: unknown) =>
        this.logger.error(failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)),
      );
  }

  /** Writes the problem; a surface with its own error format (FHIR's OperationOutcome) overrides this. */
  protected send(request: Request, response: Response, problem: Problem): void {
    if (response.sent || response.raw.headersSent) {
      // A streamed export failed half-way: the client sees a truncated body, never a second status.
      response.raw.destroy();
      return;
    }
    const correlationId = typeof request.id === 'string' ? request.id : undefined;
    void response
      .status(problem.status)
      .headers({ ...problem.headers, 'Content-Type': 'application/problem+json' })
      .send(JSON.stringify(problem.body(request.originalUrl.split('?')[0] ?? '/', correlationId)));
  }

  private toProblem(error: unknown, request: Request): Problem {
    if (error instanceof Problem) return error;
    if (error instanceof InvalidToken) {
      return new Problem(401, 'UNAUTHENTICATED', 'Authentication required', error.message, undefined, {
        'WWW-Authenticate': `Bearer error="invalid_token", error_description="${error.message}"`,
      });
    }
    // A patient who does not exist and one the caller may not see look the same.
    if (error instanceof PatientNotEnrolled) return forbidden(ruleOf(error));
    if (error instanceof DomainError) {
      if (error.kind === 'forbidden') return forbidden(ruleOf(error));
      return new Problem(STATUS_OF_KIND[error.kind], error.code, titleOf(error.code), error.message);
    }
    if (error instanceof WrongExpectedVersion) {
      // The client's own precondition failed (RFC 9110 §13.1.1); without If-Match, retries ran out on a busy stream.
      const ifMatch = headerOf(request, 'if-match');
      const preconditionFailed = ifMatch !== undefined && ifMatch !== '*';
      return new Problem(
        preconditionFailed ? 412 : 409,
        'VERSION_CONFLICT',
        'The record changed since you read it',
        `The record is at version ${error.actual}, the request expected ${String(error.expected)}. Read it again and retry.`,
        undefined,
        Number.isFinite(error.actual) ? { ETag: `"${error.actual}"` } : {},
      );
    }
    if (error instanceof IdempotencyKeyReused) {
      return new Problem(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'Idempotency key already used',
        'This Idempotency-Key was used for a different request; send a new key for a new request.',
      );
    }
    if (error instanceof InvalidAppend) return new Problem(422, 'INVALID_APPEND', 'Invalid request', error.message);
    if (error instanceof HttpException) return fromHttpException(error);
    const status = clientHttpStatusOf(error);
    if (status !== undefined) {
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : `HTTP_${status}`;
      return new Problem(status, code, titleOf(code), (error as Error).message);
    }
    return new Problem(
      500,
      'INTERNAL_ERROR',
      'Internal error',
      'The request could not be completed; it has been logged.',
    );
  }
}

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  const response = error.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? String((response as { message: unknown }).message)
      : error.message;
  const code =
    status === 404
      ? 'NOT_FOUND'
      : status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : status === 400
          ? 'BAD_REQUEST'
          : `HTTP_${status}`;
  return new Problem(status, code, titleOf(code), message);
}

/**
 * Fastify's own refusals before a route runs (a body over the limit, a Content-Length that does
 * not match, a URL it cannot decode) reach the filter as its errors, with a 4xx `statusCode` and
 * an `FST_` code, not as HttpExceptions. They are the client's fault and their message is safe
 * to show.
 */
function clientHttpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  const fastify = typeof code === 'string' && code.startsWith('FST_');
  return fastify && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : undefined;
}

function titleOf(code: string): string {
  const words = code.toLowerCase().replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
