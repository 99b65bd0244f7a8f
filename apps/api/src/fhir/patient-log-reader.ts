import { Inject, Injectable } from '@nestjs/common';
import { fhirSourceOf } from '@caretrail/admin-tasks';
import { isDomainEvent, isErasureEvent } from '@caretrail/care-log';
import type { StoredEvent, EventStore } from '@caretrail/event-store';
import { PatientResources } from '@caretrail/fhir';
import { EVENT_STORE } from '../http/tokens';
import { PersonalData } from '../privacy/personal-data';

export interface PatientFhirRecord {
  readonly resources: PatientResources;
  /** The patient's personal data was erased: their Patient answers 410 (docs/erasure.md). */
  readonly erased: boolean;
}

/**
 * One patient's FHIR resources, folded from their events in the log (the
 * patient index), after personal data was opened. Read models are not used:
 * every version is the state after one event (docs/fhir.md, "Versions").
 */
@Injectable()
export class PatientLogReader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  async read(patientId: string): Promise<PatientFhirRecord> {
    const stored = await this.store.readPatient(patientId);
    return PatientLogReader.fold(patientId, await this.personalData.open(stored));
  }

  static fold(patientId: string, opened: readonly StoredEvent[]): PatientFhirRecord {
    return {
      resources: PatientResources.of(patientId, opened.filter(isDomainEvent).map(fhirSourceOf)),
      erased: opened.some(isErasureEvent),
    };
  }
}
