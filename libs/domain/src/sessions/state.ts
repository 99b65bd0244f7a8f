import type { CorrectionEvent } from '../corrections/events';
import { assertNever } from '../shared/assert-never';
import type { IsoDateTime } from '../shared/time';
import type { SessionEvent, SessionKind } from './events';

type Known = { readonly sessionId: string; readonly kind: SessionKind; readonly scheduledFor: IsoDateTime };

/** scheduled -> attended | missed | cancelled; rescheduling keeps it scheduled. */
export type SessionState =
  { readonly status: 'none' } | (Known & { readonly status: 'scheduled' | 'attended' | 'missed' | 'cancelled' });

export type SessionStreamEvent = SessionEvent | CorrectionEvent;

export const initialSessionState = (): SessionState => ({ status: 'none' });

export function evolveSession(state: SessionState, event: SessionStreamEvent): SessionState {
  switch (event.type) {
    case 'SessionScheduled': {
      const { sessionId, kind, scheduledFor } = event.data;
      return { status: 'scheduled', sessionId, kind, scheduledFor };
    }
    case 'SessionRescheduled':
      return state.status === 'none' ? state : { ...state, scheduledFor: event.data.to };
    case 'SessionAttended':
      return state.status === 'none' ? state : { ...state, status: 'attended' };
    case 'SessionMissed':
      return state.status === 'none' ? state : { ...state, status: 'missed' };
    case 'SessionCancelled':
      return state.status === 'none' ? state : { ...state, status: 'cancelled' };
    case 'EntryCorrected':
    case 'EntryEnteredInError':
      return state;
    default:
      return assertNever(event);
  }
}
