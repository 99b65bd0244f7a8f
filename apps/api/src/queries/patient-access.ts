import { Inject, Injectable } from '@nestjs/common';
import { canReadRecord, carePlanOf, isEventType, streams, upcast } from '@caretrail/domain';
import type { EventStore } from '@caretrail/event-store';
import type { Principal } from '@caretrail/security';
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

  async assertMayRead(patientId: string, principal: Principal): Promise<void> {
    const events = await this.store.readStream(streams.carePlan(patientId));
    const state = carePlanOf(
      // Administrative events (PatientDataErased, docs/erasure.md) are not the domain's to fold.
      events
        .filter((e) => isEventType(e.type))
        .map((e) => ({
          event: upcast(e.type, e.schemaVersion, e.data),
          meta: { eventId: e.eventId, streamName: e.streamId },
        })),
    );
    // Unknown patients and other people's patients look the same.
    if (!canReadRecord(state, principal)) throw forbidden();
  }
}
