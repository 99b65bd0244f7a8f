import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiRequest as Request } from '../request';
import { headerOf } from '../middleware';
import type { Actor } from '@caretrail/domain';
import { principalOf } from '../auth/auth.guard';
import { invalidRequest } from '../problems/problem';
import { requestHashOf } from './request-hash';
import { clientAddressOf } from '../connection/client-address';
import type { AccessAlongside } from '../audit/access-observer';

/** What the HTTP request adds to a command: concurrency, idempotency and tracing. */
export interface WriteRequest {
  /** The version the client read (If-Match); the write happens only if it is still current. */
  ifMatch?: number;
  idempotencyKey?: string;
  /** With an Idempotency-Key: what the key must be sent with again (requestHashOf). */
  requestHash?: string;
  correlationId: string;
  /** Server time at which the request arrived. */
  now: string;
  clientAddress?: string;
  /** The request's access record, written in the transaction of its events (docs/audit.md). */
  access?: AccessAlongside;
}

/** Who writes and under which conditions: everything a write endpoint takes besides its path and body. */
export interface WriteContext {
  actor: Actor;
  request: WriteRequest;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;
const ENTITY_TAG = /^(?:W\/)?"?(\d{1,15})"?$/;

/** The caller, If-Match, Idempotency-Key and the tracing context of a write request. */
export const WriteContext = createParamDecorator((_: unknown, context: ExecutionContext): WriteContext => {
  const request = context.switchToHttp().getRequest<Request>();
  return { actor: principalOf(request), request: writeRequestOf(request) };
});

function writeRequestOf(request: Request): WriteRequest {
  const ifMatchHeader = headerOf(request, 'if-match');
  const keyHeader = headerOf(request, 'idempotency-key');
  let ifMatch: number | undefined;
  if (ifMatchHeader !== undefined && ifMatchHeader !== '*') {
    const match = ENTITY_TAG.exec(ifMatchHeader.trim());
    if (!match) {
      throw invalidRequest([
        { field: 'If-Match', rule: 'entityTag', message: 'If-Match must be an ETag this API returned, such as "3"' },
      ]);
    }
    ifMatch = Number(match[1]);
  }
  // A DELETE's body has no meaning (RFC 9110): refused, so that a reason sent there is not lost silently.
  if (request.method === 'DELETE' && Object.keys((request.body as object | undefined) ?? {}).length > 0) {
    throw invalidRequest([
      { field: 'body', rule: 'noBody', message: 'A DELETE carries no body: send its fields in the query' },
    ]);
  }
  if (keyHeader !== undefined && !IDEMPOTENCY_KEY.test(keyHeader)) {
    throw invalidRequest([
      {
        field: 'Idempotency-Key',
        rule: 'idempotencyKey',
        message: 'Idempotency-Key must be 1 to 128 letters, digits or . _ : -',
      },
    ]);
  }
  const clientAddress = clientAddressOf(request);
  return {
    ...(ifMatch === undefined ? {} : { ifMatch }),
    ...(keyHeader === undefined ? {} : { idempotencyKey: keyHeader, requestHash: requestHashOf(request) }),
    correlationId: String(request.id),
    now: new Date().toISOString(),
    ...(clientAddress === null ? {} : { clientAddress }),
    ...(request.accessAlongside ? { access: request.accessAlongside } : {}),
  };
}
