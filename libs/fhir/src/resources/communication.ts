import type { Communication } from '@medplum/fhirtypes';
import type { EventOf } from '@caretrail/domain';
import { caretrailSystem } from '../codes';
import { change, userReference, type FoldContext, type ResourceChange } from './context';

const category = (code: string): NonNullable<Communication['category']> => [
  { coding: [{ system: caretrailSystem.consultation, code }], text: code },
];

/** Consultations between providers: the request and the answer, which names it (`inResponseTo`). */
export function consultationRequested(
  ctx: FoldContext,
  { data }: EventOf<'ConsultationRequested'>,
  id: string,
): ResourceChange[] {
  ctx.consultations.set(data.consultationId, id);
  return [
    change<Communication>('Communication', id, () => ({
      resourceType: 'Communication',
      id,
      identifier: [{ system: 'https://caretrail.dev/fhir/NamingSystem/consultation-id', value: data.consultationId }],
      status: 'completed',
      category: category('consultation-request'),
      priority: data.urgency === 'urgent' ? 'urgent' : 'routine',
      subject: ctx.patient,
      sent: data.occurredAt,
      sender: userReference(data.requestedBy),
      recipient: [{ display: data.requestedRole }],
      payload: [{ contentString: data.topic }],
    })),
  ];
}

export function consultationAnswered(
  ctx: FoldContext,
  { data }: EventOf<'ConsultationAnswered'>,
  id: string,
): ResourceChange[] {
  const request = ctx.consultations.get(data.consultationId);
  return [
    change<Communication>('Communication', id, () => ({
      resourceType: 'Communication',
      id,
      identifier: [{ system: 'https://caretrail.dev/fhir/NamingSystem/consultation-id', value: data.consultationId }],
      status: 'completed',
      category: category('consultation-answer'),
      subject: ctx.patient,
      ...(request === undefined ? {} : { inResponseTo: [{ reference: `Communication/${request}` }] }),
      sent: data.occurredAt,
      sender: userReference(data.answeredBy),
      payload: [{ contentString: data.answer }],
    })),
  ];
}

export const noteShared = (
  ctx: FoldContext,
  { data }: EventOf<'CollaborationNoteShared'>,
  id: string,
): ResourceChange[] => [
  change<Communication>('Communication', id, () => ({
    resourceType: 'Communication',
    id,
    status: 'completed',
    category: category('note'),
    subject: ctx.patient,
    sent: data.occurredAt,
    sender: userReference(data.author),
    recipient: data.audience.map((role) => ({ display: role })),
    payload: [{ contentString: data.body }],
  })),
];
