import type { AccessAction, AccessRecordInput } from './access-record';

/** One refused request whose caller was never authenticated (no or a bad token, or throttled before it). */
export interface UnauthenticatedAttempt {
  /** ISO 8601 UTC, the API server's clock. */
  at: string;
  clientAddress: string | null;
  status: number;
  method: string;
  /** The route pattern, never the raw URL. */
  route: string;
  action: AccessAction;
  correlationId: string;
}

/** The category of the records that sum up unauthenticated attempts (docs/audit.md#unauthenticated-requests). */
export const UNAUTHENTICATED_CATEGORY = 'unauthenticated attempts';

const MINUTE_MS = 60_000;
const MAX_ADDRESS_LENGTH = 64;

interface Window {
  readonly minute: number;
  readonly first: UnauthenticatedAttempt;
  count: number;
  readonly byStatus: Record<string, number>;
  readonly byRoute: Record<string, number>;
}

/**
 * Sums up refused unauthenticated requests per client address and minute, so
 * that a flood writes one access record per source and minute, not one per
 * request (docs/audit.md#unauthenticated-requests). Pure: the caller says
 * when it is and writes the records it is handed.
 */
export class UnauthenticatedAttempts {
  private readonly windows = new Map<string, Window>();

  /** At most `maxSources` windows are held; beyond, the oldest is handed back early. */
  constructor(private readonly maxSources = 10_000) {}

  /** Counts an attempt; returns the records of windows that had to be closed to make room. */
  add(attempt: UnauthenticatedAttempt): AccessRecordInput[] {
    const minute = Math.floor(Date.parse(attempt.at) / MINUTE_MS);
    const address = attempt.clientAddress?.slice(0, MAX_ADDRESS_LENGTH) ?? null;
    const key = `${minute} ${address ?? ''}`;
    const window = this.windows.get(key);
    const routeKey = `${attempt.method} ${attempt.route}`;
    if (window) {
      window.count += 1;
      window.byStatus[attempt.status] = (window.byStatus[attempt.status] ?? 0) + 1;
      window.byRoute[routeKey] = (window.byRoute[routeKey] ?? 0) + 1;
      return [];
    }
    const closed: AccessRecordInput[] = [];
    while (this.windows.size >= this.maxSources) {
      const [oldestKey, oldest] = this.windows.entries().next().value as [string, Window];
      this.windows.delete(oldestKey);
      closed.push(recordOf(oldest, attempt.at));
    }
    this.windows.set(key, {
      minute,
      first: { ...attempt, clientAddress: address },
      count: 1,
      byStatus: { [attempt.status]: 1 },
      byRoute: { [routeKey]: 1 },
    });
    return closed;
  }

  /** Closes the windows of minutes before `now`'s (all of them when `everything`), returning their records. */
  close(now: string, everything = false): AccessRecordInput[] {
    const current = Math.floor(Date.parse(now) / MINUTE_MS);
    const closed: AccessRecordInput[] = [];
    for (const [key, window] of this.windows) {
      if (everything || window.minute < current) {
        this.windows.delete(key);
        closed.push(recordOf(window, now));
      }
    }
    return closed;
  }
}

/**
 * One record for a window, written at `now`: the first attempt's route, status and correlation id,
 * how many there were, which statuses and routes.
 */
function recordOf(window: Window, now: string): AccessRecordInput {
  const { first } = window;
  return {
    recordedAt: now,
    userId: null,
    role: null,
    patientId: null,
    category: UNAUTHENTICATED_CATEGORY,
    action: first.action,
    outcome: 'denied',
    status: first.status,
    method: first.method,
    route: first.route,
    clientAddress: first.clientAddress,
    correlationId: first.correlationId,
    detail: {
      attempts: window.count,
      firstAt: first.at,
      minute: new Date(window.minute * MINUTE_MS).toISOString(),
      byStatus: window.byStatus,
      byRoute: window.byRoute,
    },
  };
}
