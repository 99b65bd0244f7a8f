import { Gauge, type Registry } from 'prom-client';
import type { IntegrityState, IntegrityStatus } from '@caretrail/event-store';

const STATES: readonly IntegrityState[] = ['checking', 'ok', 'degraded', 'failing'];

/**
 * The hash-chain verifier's verdict (docs/audit.md, "Tamper evidence"):
 * `caretrail_integrity_state{state}` is 1 for the current state and 0 for the
 * others; `caretrail_integrity_breaks` counts the breaks found. Read from
 * memory when scraped.
 */
export function registerIntegrityMetrics(registry: Registry, status: () => IntegrityStatus): void {
  new Gauge({
    name: 'caretrail_integrity_state',
    help: 'Hash-chain verification state of this process: 1 for the current one (checking, ok, degraded, failing).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const current = status().state;
      for (const state of STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'caretrail_integrity_breaks',
    help: 'Broken hash-chain links this process knows of (a load for a decision, the sweep, a full verification).',
    registers: [registry],
    collect() {
      this.set(status().breaks.length);
    },
  });
}
