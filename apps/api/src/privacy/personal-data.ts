import { Inject, Injectable } from '@nestjs/common';
import type { StoredEvent } from '@caretrail/event-store';
import { decryptEvents, encryptEventData } from '@caretrail/care-log';
import { PatientKeyDestroyed, type CachingPatientKeyStore } from '@caretrail/security';
import type { ApiConfig } from '../config/api-config';
import { Problem } from '../http/problems/problem';
import { API_CONFIG, PATIENT_KEYS } from '../http/tokens';

/**
 * Personal data at rest for this process (docs/erasure.md): `seal` before
 * an event is stored, `open` wherever stored events are read (the command
 * handler, the history view, time travel). One key cache per process, shared
 * with the projection host, so an erasure here is seen at once here.
 */
@Injectable()
export class PersonalData {
  private readonly erasureListeners: Array<(patientId: string) => void> = [];

  constructor(
    @Inject(PATIENT_KEYS) readonly keys: CachingPatientKeyStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** Throws a 409 when the patient was erased: no new personal data is accepted for them. */
  async seal(type: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!this.config.personalDataEncryption) return data;
    try {
      return await encryptEventData(type, data, this.keys);
    } catch (error) {
      if (!(error instanceof PatientKeyDestroyed)) throw error;
      throw new Problem(
        409,
        'PATIENT_DATA_ERASED',
        'Personal data erased',
        "This patient's personal data was erased: the record takes no new names, contact details or free text.",
      );
    }
  }

  open(events: readonly StoredEvent[]): Promise<StoredEvent[]> {
    return decryptEvents(events, this.keys);
  }

  /** Who holds opened personal data in memory (the write path's state cache) and must drop a patient's on erasure. */
  onErased(listener: (patientId: string) => void): void {
    this.erasureListeners.push(listener);
  }

  /** A patient's key was destroyed in this process: nothing opened with it may stay in memory. */
  erased(patientId: string): void {
    for (const listener of this.erasureListeners) listener(patientId);
  }
}
