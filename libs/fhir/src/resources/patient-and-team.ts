import type { CareTeam, CareTeamParticipant, Patient } from '@medplum/fhirtypes';
import type { EventOf } from '@caretrail/domain';
import { caretrailSystem, extensionUrl, PATIENT_IDENTIFIER } from '../codes';
import { change, update, userReference, type FoldContext, type ResourceChange } from './context';

/** Only what enrolment records: name, contact, time zone; CareTrail holds no birth date, sex or address. */
export function patientEnrolled(ctx: FoldContext, { data }: EventOf<'PatientEnrolled'>): ResourceChange[] {
  const telecom = [
    ...(data.contact.email === null ? [] : [{ system: 'email' as const, value: data.contact.email }]),
    ...(data.contact.phone === null ? [] : [{ system: 'phone' as const, value: data.contact.phone }]),
  ];
  return [
    change<Patient>('Patient', ctx.patientId, () => ({
      resourceType: 'Patient',
      id: ctx.patientId,
      extension: [{ url: extensionUrl.timeZone, valueCode: data.timeZone }],
      identifier: [{ system: PATIENT_IDENTIFIER, value: ctx.patientId }],
      active: true,
      name: [{ use: 'official', family: data.name.family, given: [data.name.given] }],
      ...(telecom.length === 0 ? {} : { telecom }),
    })),
  ];
}

/** One CareTeam per patient (id = patient id): members join with a period start, leave with its end. */
export function memberAssigned(ctx: FoldContext, { data }: EventOf<'CareTeamMemberAssigned'>): ResourceChange[] {
  const participant: CareTeamParticipant = {
    role: [{ coding: [{ system: caretrailSystem.careTeamRole, code: data.role }], text: data.role }],
    member: userReference({ userId: data.userId, role: data.role }),
    period: { start: data.occurredAt },
  };
  return [
    change<CareTeam>('CareTeam', ctx.patientId, (previous) => ({
      ...(previous ?? {
        resourceType: 'CareTeam',
        id: ctx.patientId,
        status: 'active',
        name: 'Care team',
        subject: ctx.patient,
      }),
      participant: [...(previous?.participant ?? []), participant],
    })),
  ];
}

export function memberRemoved(ctx: FoldContext, { data }: EventOf<'CareTeamMemberRemoved'>): ResourceChange[] {
  return update<CareTeam>('CareTeam', ctx.patientId, (team) => ({
    ...team,
    participant: (team.participant ?? []).map((p) =>
      p.member?.identifier?.value === data.userId && p.period?.end === undefined
        ? { ...p, period: { ...p.period, end: data.occurredAt } }
        : p,
    ),
  }));
}
