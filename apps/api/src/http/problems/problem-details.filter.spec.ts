import type { ArgumentsHost } from '@nestjs/common';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../request';
import { WrongExpectedVersion } from '@caretrail/event-store';
import type { AccessObserver } from '../audit/access-observer';
import { Problem } from './problem';
import { ProblemDetailsFilter } from './problem-details.filter';

/** A request with the given headers and a response that remembers what was sent. */
function exchange(headers: Record<string, string> = {}) {
  const sent: { status?: number; headers?: Record<string, string>; body?: unknown } = {};
  const request = {
    originalUrl: '/patients/p-1/care-plan/reviews?x=1',
    id: 'corr-1',
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  } as unknown as Request;
  const response = {
    sent: false,
    raw: { headersSent: false },
    status(code: number) {
      sent.status = code;
      return this;
    },
    headers(values: Record<string, string>) {
      sent.headers = values;
      return this;
    },
    send(body: string) {
      sent.body = JSON.parse(body);
      return this;
    },
  } as unknown as Response;
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { request, host, sent };
}

describe('ProblemDetailsFilter', () => {
  it('reports each failure to the injected observer and answers the problem it returns', async () => {
    const unavailable = new Problem(503, 'ACCESS_LOG_UNAVAILABLE', 'The access log cannot be written');
    const seen: [Request, number][] = [];
    const observer: AccessObserver = {
      succeeded: async () => undefined,
      failed: async (request, problem) => {
        seen.push([request, problem.status]);
        return unavailable;
      },
    };
    const { request, host, sent } = exchange();
    await new ProblemDetailsFilter(observer).catch(new Problem(403, 'FORBIDDEN', 'Not permitted'), host);
    expect(seen).toEqual([[request, 403]]);
    expect(sent).toMatchObject({
      status: 503,
      headers: { 'Content-Type': 'application/problem+json' },
      body: { status: 503, code: 'ACCESS_LOG_UNAVAILABLE', instance: '/patients/p-1/care-plan/reviews' },
    });
  });

  it('answers a version conflict 412 when the client sent If-Match, 409 when it did not', async () => {
    const conflict = () => new WrongExpectedVersion('careplan-p-1', 3, 4);
    const withIfMatch = exchange({ 'if-match': '"3"' });
    await new ProblemDetailsFilter().catch(conflict(), withIfMatch.host);
    expect(withIfMatch.sent).toMatchObject({
      status: 412,
      headers: { ETag: '"4"' },
      body: { code: 'VERSION_CONFLICT' },
    });
    const without = exchange();
    await new ProblemDetailsFilter().catch(conflict(), without.host);
    expect(without.sent).toMatchObject({ status: 409, body: { code: 'VERSION_CONFLICT' } });
  });
});
