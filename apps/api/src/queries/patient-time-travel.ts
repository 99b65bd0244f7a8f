import { Inject, Injectable } from '@nestjs/common';
import {
  adherenceAsOf,
  caseReviewRowAsOf,
  planAdherenceAsOf,
  DEFAULT_AS_OF_BASIS,
  patientAsOf,
  type CaseReviewRowAsOf,
  typesNotNeededBy,
  type AsOfBasis,
  type PatientViewName,
} from '@caretrail/analytics';
import { decodeDomainEvents } from '@caretrail/care-log';
import type { EventStore, ReadPatientOptions, StoredEvent } from '@caretrail/event-store';
import type { AdherenceDoc } from '@caretrail/read-models';
import { EVENT_STORE } from '../http/tokens';
import { ReadModelReader } from './read-model-reader';

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
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reader: ReadModelReader,
  ) {}

  async view(
    name: PatientViewName,
    patientId: string,
    asOf: string,
    basis: AsOfBasis = DEFAULT_AS_OF_BASIS,
  ): Promise<TimeTravelAnswer> {
    const instant = new Date(asOf).toISOString();
    if (name === 'adherence' && basis === 'recorded') {
      const answer = await this.adherenceFromRows(patientId, instant);
      if (answer) return answer;
    }
    const events = await this.eventsAsOf(patientId, instant, basis, typesNotNeededBy(name));
    const answer = patientAsOf(name, patientId, events, instant, basis);
    return { patientId, position: answer.position, asOf: instant, asOfBasis: basis, data: answer.data };
  }

  /**
   * Adherence as of T from the stored month rows and a replay of the last month (docs/analytics.md,
   * "Adherence as of a day"); null when only a replay of the whole history can answer.
   */
  private async adherenceFromRows(patientId: string, instant: string): Promise<TimeTravelAnswer | null> {
    const { doc, unprojectedSince } = await this.reader.storedDoc<AdherenceDoc>('adherence', patientId);
    const plan = planAdherenceAsOf(doc, instant, unprojectedSince);
    if (!doc || !plan) return null;
    const read = (options: ReadPatientOptions) => this.store.readPatient(patientId, { ...options, metadata: false });
    const [facts, doses] = await Promise.all([read(plan.facts), read(plan.doses)]);
    const events = decodeDomainEvents([...facts, ...doses].sort(inGlobalOrder));
    const answer = adherenceAsOf(patientId, doc, plan, events, instant);
    if (!answer) return null;
    return { patientId, position: answer.position, asOf: instant, asOfBasis: 'recorded', data: answer.data };
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

/** The log's order: by transaction, then position (what readPatient returns). */
function inGlobalOrder(a: StoredEvent, b: StoredEvent): number {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta < tb ? -1 : ta > tb ? 1 : a.position - b.position;
}
