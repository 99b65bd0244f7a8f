import { Inject, Injectable } from '@nestjs/common';
import { decodeDomainEvents } from '@caretrail/care-log';
import { canReadRecord, carePlanOf, streams, type Actor } from '@caretrail/domain';
import type { EventStore } from '@caretrail/event-store';
import { EVENT_STORE } from '../http/tokens';
import { forbidden } from '../http/problems/problem-details.filter';

/**
 * Decides reads of a patient's record from the care-plan stream itself, not
 * from a read model: a member just added can read at once, one just removed
 * cannot. The stream is small by design (tens of events a year).
 */
@Injectable()
export class PatientAccess {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Resolves with the care-plan stream's version (the plan's ETag) when the principal may read. */
  async assertMayRead(patientId: string, principal: Actor): Promise<number> {
    const events = await this.store.readStream(streams.carePlan(patientId));
    // Membership is no personal data: the stream is folded without opening it.
    const state = carePlanOf(decodeDomainEvents(events));
    // Unknown patients and other people's patients look the same.
    if (!canReadRecord(state, principal)) throw forbidden();
    return events.length === 0 ? 0 : events[events.length - 1]!.streamVersion;
  }
}
