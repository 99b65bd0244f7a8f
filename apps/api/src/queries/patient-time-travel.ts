import { Inject, Injectable } from '@nestjs/common';
import {
  caseReviewRowAsOf,
  DEFAULT_AS_OF_BASIS,
  patientAsOf,
  type CaseReviewRowAsOf,
  typesNotNeededBy,
  type AsOfBasis,
  type PatientViewName,
} from '@caretrail/analytics';
import { decodeDomainEvents } from '@caretrail/care-log';
import type { EventStore } from '@caretrail/event-store';
import { EVENT_STORE } from '../http/tokens';

export interface TimeTravelAnswer {
  patientId: string;
  /** Position of the last event replayed into the view (0 when none was). */
  position: number;
  asOf: string;
  asOfBasis: AsOfBasis;
  data: unknown;
}

/**
 * Time travel (docs/analytics.md): one view of one patient as it stood at `asOf`, replayed from
 * the patient's events through the same pure read model the projection runs. Reads the log (the
 * patient index of migration 0004), writes nothing, and does not depend on the projections'
 * progress, so `minPosition` has nothing to wait for.
 */
@Injectable()
export class PatientTimeTravel {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async view(
    name: PatientViewName,
    patientId: string,
    asOf: string,
    basis: AsOfBasis = DEFAULT_AS_OF_BASIS,
  ): Promise<TimeTravelAnswer> {
    const instant = new Date(asOf).toISOString();
    const events = await this.eventsAsOf(patientId, instant, basis, typesNotNeededBy(name));
    const answer = patientAsOf(name, patientId, events, instant, basis);
    return { patientId, position: answer.position, asOf: instant, asOfBasis: basis, data: answer.data };
  }

  /** One patient's case-review row (registry, adherence, collaboration) and care team as they stood at `asOf`. */
  async caseReviewRow(patientId: string, asOf: string, basis: AsOfBasis): Promise<CaseReviewRowAsOf> {
    return caseReviewRowAsOf(patientId, await this.eventsAsOf(patientId, new Date(asOf).toISOString(), basis, []));
  }

  private async eventsAsOf(patientId: string, instant: string, basis: AsOfBasis, excludeTypes: readonly string[]) {
    const events = await this.store.readPatient(patientId, {
      ...(basis === 'recorded' ? { recordedUntil: instant } : { occurredUntil: instant }),
      excludeTypes,
      metadata: false,
    });
    return decodeDomainEvents(events);
  }
}
