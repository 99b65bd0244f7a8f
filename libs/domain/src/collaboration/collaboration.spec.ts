import type { DomainEvent } from '../events';
import { InvalidValue, NotOnCareTeam, RoleNotPermitted } from '../shared/errors';
import {
  NOW,
  PATIENT,
  as,
  assigned,
  enrolled,
  integratedPlan,
  outsider,
  patientUser,
  planStarted,
  prescriber,
  therapist,
} from '../testing/fixtures';
import { given } from '../testing/given-when-then';
import {
  ConsultationAddresseeNotOnTeam,
  ConsultationAlreadyAnswered,
  ConsultationAlreadyRequested,
  ConsultationNotFound,
  NotConsultationAddressee,
} from './errors';

const requested: DomainEvent = {
  type: 'ConsultationRequested',
  data: {
    patientId: PATIENT,
    consultationId: 'c-1',
    requestedBy: therapist,
    requestedRole: 'prescriber',
    topic: 'Agitation since the increase?',
    urgency: 'urgent',
    occurredAt: '2026-03-09T09:00:00Z',
  },
};
const answered: DomainEvent = {
  type: 'ConsultationAnswered',
  data: {
    patientId: PATIENT,
    consultationId: 'c-1',
    answeredBy: prescriber,
    answer: 'Back to 50 mg.',
    requestedAt: '2026-03-09T09:00:00Z',
    occurredAt: '2026-03-09T15:00:00Z',
  },
};
const answer = {
  type: 'AnswerConsultation',
  data: { patientId: PATIENT, consultationId: 'c-1', answer: 'Back to 50 mg.' },
} as const;

describe('consultations', () => {
  it('a therapist asks the prescriber, urgently', () =>
    given(integratedPlan)
      .when(
        {
          type: 'RequestConsultation',
          data: {
            patientId: PATIENT,
            consultationId: 'c-1',
            requestedRole: 'prescriber',
            topic: 'Agitation since the increase?',
            urgency: 'urgent',
          },
        },
        as(therapist),
      )
      .then([
        {
          type: 'ConsultationRequested',
          data: {
            patientId: PATIENT,
            consultationId: 'c-1',
            requestedBy: therapist,
            requestedRole: 'prescriber',
            topic: 'Agitation since the increase?',
            urgency: 'urgent',
            occurredAt: NOW,
          },
        },
      ]));

  it('rule ConsultationAddresseeNotOnTeam: a consultation goes to a role someone else on the team holds', () =>
    given([enrolled(), assigned(therapist), planStarted()])
      .when(
        {
          type: 'RequestConsultation',
          data: {
            patientId: PATIENT,
            consultationId: 'c-1',
            requestedRole: 'prescriber',
            topic: 'x',
            urgency: 'routine',
          },
        },
        as(therapist),
      )
      .thenThrows(ConsultationAddresseeNotOnTeam));

  it('rule ConsultationAlreadyRequested: consultation ids are unique', () =>
    given([...integratedPlan, requested])
      .when(
        {
          type: 'RequestConsultation',
          data: {
            patientId: PATIENT,
            consultationId: 'c-1',
            requestedRole: 'prescriber',
            topic: 'x',
            urgency: 'routine',
          },
        },
        as(therapist),
      )
      .thenThrows(ConsultationAlreadyRequested));

  it('the prescriber answers, and the answer carries the request time for latency', () =>
    given([...integratedPlan, requested])
      .when(answer, as(prescriber))
      .then([
        {
          type: 'ConsultationAnswered',
          data: {
            patientId: PATIENT,
            consultationId: 'c-1',
            answeredBy: prescriber,
            answer: 'Back to 50 mg.',
            requestedAt: '2026-03-09T09:00:00Z',
            occurredAt: NOW,
          },
        },
      ]));

  it('rule ConsultationAlreadyAnswered: cannot answer a consultation twice', () =>
    given([...integratedPlan, requested, answered])
      .when(answer, as(prescriber))
      .thenThrows(ConsultationAlreadyAnswered));

  it('rule ConsultationNotFound: only requested consultations are answered', () =>
    given(integratedPlan).when(answer, as(prescriber)).thenThrows(ConsultationNotFound));

  it('rule NotConsultationAddressee: the role asked answers, not the one who asked', () =>
    given([...integratedPlan, requested])
      .when(answer, as(therapist))
      .thenThrows(NotConsultationAddressee));

  it('rule NotOnCareTeam: clinicians outside the team take no part', () =>
    given([...integratedPlan, requested])
      .when(answer, as(outsider))
      .thenThrows(NotOnCareTeam));
});

describe('notes and case reviews', () => {
  it('shares a note with the whole team by default', () =>
    given(integratedPlan)
      .when(
        {
          type: 'ShareCollaborationNote',
          data: { patientId: PATIENT, noteId: 'n-1', body: 'Worked on sleep hygiene.' },
        },
        as(therapist),
      )
      .then([
        {
          type: 'CollaborationNoteShared',
          data: {
            patientId: PATIENT,
            noteId: 'n-1',
            author: therapist,
            audience: ['therapist', 'prescriber', 'primary-care', 'care-manager'],
            body: 'Worked on sleep hygiene.',
            occurredAt: NOW,
          },
        },
      ]));

  it('records a case review with attendees and decisions', () =>
    given(integratedPlan)
      .when(
        {
          type: 'HoldCaseReview',
          data: {
            patientId: PATIENT,
            caseReviewId: 'cr-1',
            attendees: [therapist, prescriber],
            decisions: ['Add DBT skills group.'],
          },
        },
        as(prescriber),
      )
      .then([
        {
          type: 'CaseReviewHeld',
          data: {
            patientId: PATIENT,
            caseReviewId: 'cr-1',
            attendees: [therapist, prescriber],
            decisions: ['Add DBT skills group.'],
            recordedBy: prescriber,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule InvalidValue: a case review names who attended', () =>
    given(integratedPlan)
      .when(
        { type: 'HoldCaseReview', data: { patientId: PATIENT, caseReviewId: 'cr-1', attendees: [], decisions: [] } },
        as(prescriber),
      )
      .thenThrows(InvalidValue));

  it('rule RoleNotPermitted: patients do not write provider notes', () =>
    given(integratedPlan)
      .when(
        { type: 'ShareCollaborationNote', data: { patientId: PATIENT, noteId: 'n-1', body: 'Hi.' } },
        as(patientUser),
      )
      .thenThrows(RoleNotPermitted));
});
