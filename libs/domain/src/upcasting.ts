import { eventSchemas, isEventType, type DomainEvent, type EventType } from './events';
import { isUrgent } from './safety/decide';
import type { SideEffectReported, SideEffectReportedV1Data } from './safety/events';

/** Stored data the code cannot read: a corrupt or too-new log, not a user error (HTTP 500). */
export class UpcastError extends Error {
  constructor(
    readonly code: 'UNKNOWN_EVENT_TYPE' | 'UNSUPPORTED_SCHEMA_VERSION',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** Turns the data of version `n` into the data of version `n + 1`. */
type Upcaster = (data: unknown) => unknown;

/**
 * SideEffectReported v1 recorded severity only. v2 adds the FIBSER ratings and the urgent flag.
 * Old reports have no FIBSER (null, not zeros: "not asked" is not "no burden") and are urgent
 * exactly when severe, the rule that applied when they were written.
 */
export function sideEffectReportedV1toV2(data: SideEffectReportedV1Data): SideEffectReported['data'] {
  return { ...data, fibser: null, urgent: isUrgent(data.severity, null) };
}

const upcasters: { readonly [T in EventType]?: Readonly<Record<number, Upcaster>> } = {
  SideEffectReported: { 1: (data) => sideEffectReportedV1toV2(data as SideEffectReportedV1Data) },
};

/**
 * The one entry point for reading stored events: any stored `(type, schemaVersion, data)`
 * becomes the current shape. Events already at the current version pass through unchanged.
 */
export function upcast(type: string, schemaVersion: number, data: unknown): DomainEvent {
  if (!isEventType(type)) throw new UpcastError('UNKNOWN_EVENT_TYPE', `Unknown event type ${type}.`);
  const current = eventSchemas[type].version;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current) {
    throw new UpcastError(
      'UNSUPPORTED_SCHEMA_VERSION',
      `${type} v${schemaVersion} is not readable (current v${current}).`,
    );
  }
  let upcasted = data;
  for (let version = schemaVersion; version < current; version++) {
    const step = upcasters[type]?.[version];
    if (!step) throw new UpcastError('UNSUPPORTED_SCHEMA_VERSION', `No upcaster for ${type} v${version}.`);
    upcasted = step(upcasted);
  }
  // The store hands back JSON written by this code base; the registry and upcasters vouch for its shape.
  return { type, data: upcasted } as DomainEvent;
}

export function currentSchemaVersion(type: EventType): number {
  return eventSchemas[type].version;
}
