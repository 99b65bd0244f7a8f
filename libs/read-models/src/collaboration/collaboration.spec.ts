import type { DomainEvent } from '@caretrail/domain';
import {
  caseReviewHeld,
  consultationAnswered,
  consultationRequested,
  corrected,
  enteredInError,
  fold,
  noteShared,
  prescriber,
  sideEffectReported,
  sideEffectResolved,
  sideEffectReviewed,
  therapist,
  withId,
  type Identified,
} from '../testing/events';
import { collaborationModel } from './collaboration';
import { collaborationView, type CollaborationView } from './collaboration-view';

const AS_OF = '2026-03-10T12:00:00Z';
const HOUR = 3_600_000;

function viewAfter(history: ReadonlyArray<DomainEvent | Identified>, asOf = AS_OF): CollaborationView {
  return collaborationView(fold(collaborationModel, history), asOf);
}

describe('collaboration read model (docs/read-models.md, "Collaboration")', () => {
  it('response latency: median and worst of the answered consultations', () => {
    // Given answers after 2 h, 10 h, 4 h and 30 h: median (4 + 10) / 2 = 7 h, worst 30 h.
    const asked = (id: string, day: string, hours: number): DomainEvent[] => {
      const requestedAt = `${day}T08:00:00Z`;
      return [
        consultationRequested(id, requestedAt),
        consultationAnswered(id, requestedAt, new Date(Date.parse(requestedAt) + hours * HOUR).toISOString()),
      ];
    };
    const view = viewAfter([
      ...asked('c1', '2026-03-01', 2),
      ...asked('c2', '2026-03-02', 10),
      ...asked('c3', '2026-03-03', 4),
      ...asked('c4', '2026-03-04', 30),
    ]);
    expect(view.responseLatency).toEqual({ answered: 4, medianMs: 7 * HOUR, worstMs: 30 * HOUR });
  });

  it('response latency: the median of an odd count is the middle value; none answered gives null', () => {
    const odd = viewAfter([
      consultationRequested('c1', '2026-03-01T08:00:00Z'),
      consultationAnswered('c1', '2026-03-01T08:00:00Z', '2026-03-01T09:00:00Z'),
      consultationRequested('c2', '2026-03-02T08:00:00Z'),
      consultationAnswered('c2', '2026-03-02T08:00:00Z', '2026-03-02T11:00:00Z'),
      consultationRequested('c3', '2026-03-03T08:00:00Z'),
      consultationAnswered('c3', '2026-03-03T08:00:00Z', '2026-03-03T10:00:00Z'),
    ]);
    expect(odd.responseLatency).toEqual({ answered: 3, medianMs: 2 * HOUR, worstMs: 3 * HOUR });
    expect(viewAfter([consultationRequested('c1', '2026-03-01T08:00:00Z')]).responseLatency).toEqual({
      answered: 0,
      medianMs: null,
      worstMs: null,
    });
  });

  it('open consultation requests with their age, oldest first', () => {
    const view = viewAfter([
      consultationRequested('c-new', '2026-03-09T12:00:00Z'),
      consultationRequested('c-old', '2026-03-07T06:00:00Z', prescriber, 'therapist'),
      consultationRequested('c-done', '2026-03-01T08:00:00Z'),
      consultationAnswered('c-done', '2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z'),
    ]);
    expect(view.openConsultations.map((c) => [c.consultationId, c.ageDays, c.requestedRole])).toEqual([
      ['c-old', 3, 'therapist'],
      ['c-new', 1, 'prescriber'],
    ]);
  });

  it('a severe side effect or FIBSER burden >= 5 is an urgent item until reviewed', () => {
    const view = viewAfter([
      sideEffectReported('se-severe', '2026-03-01T08:00:00Z', 'severe'),
      sideEffectReported('se-burden-5', '2026-03-02T08:00:00Z', 'moderate', 5),
      sideEffectReported('se-burden-4', '2026-03-03T08:00:00Z', 'moderate', 4),
      sideEffectReported('se-reviewed', '2026-03-04T08:00:00Z', 'severe'),
      sideEffectReviewed('se-reviewed', '2026-03-04T12:00:00Z'),
      sideEffectReported('se-resolved', '2026-03-05T08:00:00Z', 'severe'),
      sideEffectResolved('se-resolved', '2026-03-06T08:00:00Z'),
    ]);
    expect(view.unreviewedSideEffects.map((s) => s.sideEffectId)).toEqual([
      'se-severe',
      'se-burden-5',
      'se-burden-4',
      'se-resolved',
    ]);
    expect(view.urgentItems.map((s) => s.sideEffectId)).toEqual(['se-severe', 'se-burden-5', 'se-resolved']);
  });

  it('last contact between therapist and prescriber, and case reviews held', () => {
    const view = viewAfter([
      consultationRequested('c1', '2026-03-01T08:00:00Z'),
      noteShared('n1', '2026-03-05T08:00:00Z'),
      noteShared('n-self', '2026-03-08T08:00:00Z', therapist, ['therapist']),
      caseReviewHeld('cr1', '2026-02-20T08:00:00Z'),
      caseReviewHeld('cr2', '2026-03-06T08:00:00Z', [therapist]),
    ]);
    expect(view.lastContact).toMatchObject({ at: '2026-03-05T08:00:00Z', kind: 'collaboration-note', daysAgo: 5 });
    expect(view.caseReviews).toEqual({ held: 2, lastHeldAt: '2026-03-06T08:00:00Z' });
  });
});

describe('collaboration read model: corrections', () => {
  it('a review entered in error reopens the urgent item', () => {
    const view = viewAfter([
      sideEffectReported('se', '2026-03-01T08:00:00Z', 'severe'),
      withId('evt-rev', sideEffectReviewed('se', '2026-03-02T08:00:00Z')),
      enteredInError('evt-rev', 'SideEffectReviewed'),
    ]);
    expect(view.urgentItems.map((s) => s.sideEffectId)).toEqual(['se']);
  });

  it('a corrected severity recomputes urgency', () => {
    const view = viewAfter([
      withId('evt-se', sideEffectReported('se', '2026-03-01T08:00:00Z', 'severe')),
      corrected('evt-se', 'SideEffectReported', [{ field: 'severity', value: 'mild' }]),
    ]);
    expect(view.urgentItems).toEqual([]);
    expect(view.unreviewedSideEffects).toHaveLength(1);
  });

  it('an answer entered in error reopens the consultation; a note entered in error is no contact', () => {
    const view = viewAfter([
      consultationRequested('c1', '2026-03-01T08:00:00Z'),
      withId('evt-ans', consultationAnswered('c1', '2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z')),
      withId('evt-note', noteShared('n1', '2026-03-05T08:00:00Z')),
      enteredInError('evt-ans', 'ConsultationAnswered'),
      enteredInError('evt-note', 'CollaborationNoteShared'),
    ]);
    expect(view.openConsultations.map((c) => c.consultationId)).toEqual(['c1']);
    expect(view.lastContact).toMatchObject({ at: '2026-03-01T08:00:00Z', kind: 'consultation-requested' });
  });
});
