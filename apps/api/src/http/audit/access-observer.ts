import type { Request } from 'express';
import type { Problem } from '../problems/problem';

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
}
