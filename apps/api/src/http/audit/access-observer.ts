import type { ApiRequest as Request } from '../request';
import type { AlongsideStatement } from '@caretrail/event-store';
import type { Problem } from '../problems/problem';

/** A write's access record, to be written in the transaction of the write's events (docs/audit.md). */
export interface AccessAlongside {
  /** The statement that writes the record, built when the write is about to be appended. */
  statement(): AlongsideStatement;
  /** The append committed: the request is recorded. */
  committed(): void;
  /** The append failed for a reason the write path does not know (not a refusal or a conflict): the problem to answer. */
  failed(error: unknown): unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set before a write's handler runs when its access can be recorded with its events. */
    accessAlongside?: AccessAlongside;
  }
}

/**
 * Hears how every request ended, before it is answered. The edge knows no
 * more about auditing than this port; the access log (audit/) implements it,
 * so that allowed and denied accesses alike are recorded first (docs/audit.md).
 */
export interface AccessObserver {
  /** A handler succeeded with this result. A rejection (a Problem) is answered instead. */
  succeeded(request: Request, result: unknown): Promise<void>;
  /** The request failed with this problem; resolves with the problem to answer, the same or a replacement. */
  failed(request: Request, problem: Problem): Promise<Problem>;
  /** Before a write's handler: its record to write with its events, when that is possible. */
  alongside?(request: Request): AccessAlongside | undefined;
}
