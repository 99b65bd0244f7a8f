import { utcMonth, utcYear, type IsoDateTime } from './time';

/**
 * Stream names. Every stream belongs to one patient. See docs/domain.md, "Streams":
 * the care-plan stream holds the slow-moving plan; everything frequent or with its own
 * lifecycle lives in a small stream of its own, so no command loads an unbounded history.
 */
export const streamCategories = [
  'careplan',
  'session',
  'doses',
  'sideeffect',
  'outcomes',
  'consultation',
  'collaboration',
] as const;
export type StreamCategory = (typeof streamCategories)[number];

export const streams = {
  carePlan: (patientId: string): string => `careplan-${patientId}`,
  session: (patientId: string, sessionId: string): string => `session-${patientId}-${sessionId}`,
  /** By the UTC month of the dose's scheduled time, so every fact about one dose lands in one stream. */
  doses: (patientId: string, scheduledFor: IsoDateTime): string => `doses-${patientId}-${utcMonth(scheduledFor)}`,
  sideEffect: (patientId: string, sideEffectId: string): string => `sideeffect-${patientId}-${sideEffectId}`,
  outcomes: (patientId: string, occurredAt: IsoDateTime): string => `outcomes-${patientId}-${utcYear(occurredAt)}`,
  consultation: (patientId: string, consultationId: string): string => `consultation-${patientId}-${consultationId}`,
  collaboration: (patientId: string, occurredAt: IsoDateTime): string =>
    `collaboration-${patientId}-${utcYear(occurredAt)}`,
} as const;

export function streamCategory(streamName: string): StreamCategory | null {
  const prefix = streamName.slice(0, streamName.indexOf('-'));
  return (streamCategories as readonly string[]).includes(prefix) ? (prefix as StreamCategory) : null;
}

/** A cheap pre-check; the owning patient is confirmed against the events' own patientId. */
export function isStreamOfPatient(streamName: string, patientId: string): boolean {
  const category = streamCategory(streamName);
  if (category === null) return false;
  if (category === 'careplan') return streamName === streams.carePlan(patientId);
  return streamName.startsWith(`${category}-${patientId}-`);
}
