import { streams } from '@caretrail/domain';
import type { NewEvent, StoredEvent } from '@caretrail/event-store';

/**
 * The administrative record of an erasure (GDPR Art. 17). It is not a
 * clinical event and not part of libs/domain: no decider emits it and no
 * read model folds it. It is appended to the patient's care-plan stream
 * after the patient's key was destroyed, so it sits in the hash chain and in
 * the history, and it tells the projections to re-derive that patient's rows
 * (now erased). Its data holds no personal data: the reason is a legal
 * basis or a ticket reference, bounded and validated by the API.
 */
export const PATIENT_DATA_ERASED = 'PatientDataErased';

export interface PatientDataErasedData {
  patientId: string;
  reason: string;
  erasedBy: { userId: string; role: string };
  /** When the key was destroyed. */
  erasedAt: string;
}

export function isErasureEvent(event: Pick<StoredEvent, 'type'>): boolean {
  return event.type === PATIENT_DATA_ERASED;
}

/** The stream erasure events go to: the patient's care-plan stream. */
export const erasureStream = (patientId: string): string => streams.carePlan(patientId);

export function erasureEvent(data: PatientDataErasedData, metadata: { correlationId: string }): NewEvent {
  return {
    type: PATIENT_DATA_ERASED,
    schemaVersion: 1,
    data: { ...data },
    metadata: {
      actor: data.erasedBy,
      correlationId: metadata.correlationId,
      causationId: metadata.correlationId,
      occurredAt: data.erasedAt,
      extra: { command: 'ErasePatientData' },
    },
  };
}
