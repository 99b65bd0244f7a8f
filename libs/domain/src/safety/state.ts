import type { CorrectionEvent } from '../corrections/events';
import { assertNever } from '../shared/assert-never';
import type { SafetyEvent } from './events';

export type SideEffectState =
  | { readonly status: 'none' }
  | {
      readonly status: 'open' | 'resolved';
      readonly sideEffectId: string;
      readonly urgent: boolean;
      readonly reviewed: boolean;
    };

export type SideEffectStreamEvent = SafetyEvent | CorrectionEvent;

export const initialSideEffectState = (): SideEffectState => ({ status: 'none' });

export function evolveSideEffect(state: SideEffectState, event: SideEffectStreamEvent): SideEffectState {
  switch (event.type) {
    case 'SideEffectReported':
      return { status: 'open', sideEffectId: event.data.sideEffectId, urgent: event.data.urgent, reviewed: false };
    case 'SideEffectReviewed':
      return state.status === 'none' ? state : { ...state, reviewed: true };
    case 'SideEffectResolved':
      return state.status === 'none' ? state : { ...state, status: 'resolved' };
    case 'EntryCorrected':
    case 'EntryEnteredInError':
      return state;
    default:
      return assertNever(event);
  }
}
