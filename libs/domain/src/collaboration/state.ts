import type { CorrectionEvent } from '../corrections/events';
import type { CareTeamRole } from '../shared/actor';
import { assertNever } from '../shared/assert-never';
import type { IsoDateTime } from '../shared/time';
import type { ConsultationEvent } from './events';

export type ConsultationState =
  | { readonly status: 'none' }
  | {
      readonly status: 'requested' | 'answered';
      readonly requestedRole: CareTeamRole;
      readonly requestedBy: string;
      readonly requestedAt: IsoDateTime;
    };

export type ConsultationStreamEvent = ConsultationEvent | CorrectionEvent;

export const initialConsultationState = (): ConsultationState => ({ status: 'none' });

export function evolveConsultation(state: ConsultationState, event: ConsultationStreamEvent): ConsultationState {
  switch (event.type) {
    case 'ConsultationRequested':
      return {
        status: 'requested',
        requestedRole: event.data.requestedRole,
        requestedBy: event.data.requestedBy.userId,
        requestedAt: event.data.occurredAt,
      };
    case 'ConsultationAnswered':
      return state.status === 'none' ? state : { ...state, status: 'answered' };
    case 'EntryCorrected':
    case 'EntryEnteredInError':
      return state;
    default:
      return assertNever(event);
  }
}
