import { Inject, Injectable } from '@nestjs/common';
import { decodeDomainEvents } from '@caretrail/care-log';
import { canReadRecord, carePlanOf, streams, type Actor } from '@caretrail/domain';
import type { EventStore } from '@caretrail/event-store';
import { EVENT_STORE } from '../event-store/event-store.module';
import { forbidden } from '../problems/problem-details.filter';

/**
 * Decides reads of a patient's record from the care-plan stream itself, not
 * from a read model: a member just added can read at once, one just removed
 * cannot. The stream is small by design (tens of events a year).
 */
@Injectable()
export class PatientAccess {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async assertMayRead(patientId: string, principal: Actor): Promise<void> {
    const events = await this.store.readStream(streams.carePlan(patientId));
    // Membership is no personal data: the stream is folded without opening it.
    const state = carePlanOf(decodeDomainEvents(events));
    // Unknown patients and other people's patients look the same.
    if (!canReadRecord(state, principal)) throw forbidden();
  }
}
