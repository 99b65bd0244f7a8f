import type { Communication } from '@medplum/fhirtypes';
import type { Actor, EventOf } from '@caretrail/domain';
import { caretrailSystem } from '../codes';
import { change, userReference, type FoldContext, type ResourceChange } from './context';

const CONSULTATION_ID = 'https://caretrail.dev/fhir/NamingSystem/consultation-id';

/** One message between providers about the patient: sent, by whom, what it says. */
function message(
  ctx: FoldContext,
  id: string,
  kind: 'consultation-request' | 'consultation-answer' | 'note',
  sent: { occurredAt: string; sender: Actor; text: string },
  rest: Partial<Communication>,
): ResourceChange[] {
  return [
    change<Communication>('Communication', id, () => ({
      resourceType: 'Communication',
      id,
      status: 'completed',
      category: [{ coding: [{ system: caretrailSystem.consultation, code: kind }], text: kind }],
      subject: ctx.patient,
      sent: sent.occurredAt,
      sender: userReference(sent.sender),
      payload: [{ contentString: sent.text }],
      ...rest,
    })),
  ];
}

/** Consultations between providers: the request and the answer, which names it (`inResponseTo`). */
export function consultationRequested(
  ctx: FoldContext,
  { data }: EventOf<'ConsultationRequested'>,
  id: string,
): ResourceChange[] {
  ctx.consultations.set(data.consultationId, id);
  return message(
    ctx,
    id,
    'consultation-request',
    { occurredAt: data.occurredAt, sender: data.requestedBy, text: data.topic },
    {
      identifier: [{ system: CONSULTATION_ID, value: data.consultationId }],
      priority: data.urgency === 'urgent' ? 'urgent' : 'routine',
      recipient: [{ display: data.requestedRole }],
    },
  );
}

export function consultationAnswered(
  ctx: FoldContext,
  { data }: EventOf<'ConsultationAnswered'>,
  id: string,
): ResourceChange[] {
  const request = ctx.consultations.get(data.consultationId);
  return message(
    ctx,
    id,
    'consultation-answer',
    { occurredAt: data.occurredAt, sender: data.answeredBy, text: data.answer },
    {
      identifier: [{ system: CONSULTATION_ID, value: data.consultationId }],
      ...(request === undefined ? {} : { inResponseTo: [{ reference: `Communication/${request}` }] }),
    },
  );
}

export const noteShared = (
  ctx: FoldContext,
  { data }: EventOf<'CollaborationNoteShared'>,
  id: string,
): ResourceChange[] =>
  message(
    ctx,
    id,
    'note',
    { occurredAt: data.occurredAt, sender: data.author, text: data.body },
    { recipient: data.audience.map((role) => ({ display: role })) },
  );
