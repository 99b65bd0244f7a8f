import type { CodeableConcept, Dosage, MedicationAdministration, MedicationRequest } from '@medplum/fhirtypes';
import type { DoseSchedule, EventOf, Strength } from '@caretrail/domain';
import { caretrailSystem, extensionUrl, MEDICATION_ID, RXNORM } from '../codes';
import { change, update, userReference, type FoldContext, type ResourceChange } from './context';
import { medicationActivity } from './care-plan';

function dosage(strength: Strength, schedule: DoseSchedule, instructions: string | null, start: string): Dosage {
  return {
    ...(instructions === null ? {} : { text: instructions }),
    timing: {
      repeat: {
        boundsPeriod: { start },
        frequency: schedule.timesPerDay,
        period: 1,
        periodUnit: 'd',
        dayOfWeek: schedule.daysOfWeek,
        ...(schedule.times === null ? {} : { timeOfDay: schedule.times.map((t) => `${t}:00`) }),
      },
    },
    doseAndRate: [{ doseQuantity: { value: strength.value, unit: strength.unit } }],
  };
}

/** RxNorm when the prescriber chose a coded drug; the name as text always. */
const drugConcept = (drug: { name: string; rxNormCode: string | null }): CodeableConcept => ({
  ...(drug.rxNormCode === null ? {} : { coding: [{ system: RXNORM, code: drug.rxNormCode }] }),
  text: drug.name,
});

function remember(
  ctx: FoldContext,
  medicationId: string,
  eventId: string,
  requestId: string,
  drug?: CodeableConcept,
): CodeableConcept {
  const known = ctx.medications.get(medicationId) ?? { drug: drug ?? { text: medicationId }, requests: new Map() };
  if (drug) known.drug = drug;
  known.requests.set(eventId, requestId);
  ctx.medications.set(medicationId, known);
  ctx.requestOfEvent.set(eventId, requestId);
  return known.drug;
}

/** A prescription or adjustment as a new active order of the prescriber's. */
function newRequest(
  ctx: FoldContext,
  id: string,
  data: { medicationId: string; occurredAt: string; prescriberId: string },
  drug: CodeableConcept,
  rest: Partial<MedicationRequest>,
): ResourceChange {
  return change<MedicationRequest>('MedicationRequest', id, () => ({
    resourceType: 'MedicationRequest',
    id,
    identifier: [{ system: MEDICATION_ID, value: data.medicationId }],
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: drug,
    subject: ctx.patient,
    authoredOn: data.occurredAt,
    requester: userReference({ userId: data.prescriberId, role: 'prescriber' }),
    ...rest,
  }));
}

export function prescribed(
  ctx: FoldContext,
  { data }: EventOf<'MedicationPrescribed'>,
  id: string,
  eventId: string,
): ResourceChange[] {
  const drug = remember(ctx, data.medicationId, eventId, id, drugConcept(data.drug));
  ctx.requestStarts.set(id, data.startsAt);
  return [
    newRequest(ctx, id, data, drug, {
      ...(ctx.carePlans.has(data.carePlanId)
        ? { basedOn: [{ reference: `CarePlan/${ctx.carePlans.get(data.carePlanId)}` }] }
        : {}),
      dosageInstruction: [dosage(data.strength, data.schedule, data.instructions, data.startsAt)],
    }),
    ...medicationActivity(ctx, data.carePlanId, id),
  ];
}

/** An adjustment is a new request naming the one it replaces (`priorPrescription`); the replaced one stops. */
export function adjusted(
  ctx: FoldContext,
  { data }: EventOf<'DoseAdjusted'>,
  id: string,
  eventId: string,
): ResourceChange[] {
  const prior = ctx.requestOfEvent.get(data.supersedes);
  const drug = remember(ctx, data.medicationId, eventId, id);
  ctx.requestStarts.set(id, data.effectiveFrom);
  return [
    ...update<MedicationRequest>('MedicationRequest', prior, (request) => ({
      ...request,
      status: 'stopped',
      statusReason: { text: `Replaced by an adjustment effective from ${data.effectiveFrom}` },
    })),
    newRequest(ctx, id, data, drug, {
      ...(prior === undefined ? {} : { priorPrescription: { reference: `MedicationRequest/${prior}` } }),
      ...(data.reason === null ? {} : { reasonCode: [{ text: data.reason }] }),
      dosageInstruction: [dosage(data.strength, data.schedule, null, data.effectiveFrom)],
    }),
  ];
}

/** A withdrawn adjustment never applied: it is cancelled and the request it replaced is in force again. */
export function adjustmentCancelled(ctx: FoldContext, { data }: EventOf<'DoseAdjustmentCancelled'>): ResourceChange[] {
  const cancelled = ctx.requestOfEvent.get(data.adjustmentId);
  if (cancelled === undefined) return [];
  ctx.medications.get(data.medicationId)?.requests.delete(data.adjustmentId);
  const restored = ctx.latestRequest(data.medicationId);
  return [
    ...update<MedicationRequest>('MedicationRequest', cancelled, (request) => ({
      ...request,
      status: 'cancelled',
      ...(data.reason === null ? {} : { statusReason: { text: data.reason } }),
    })),
    ...update<MedicationRequest>('MedicationRequest', restored, (request) => {
      const { statusReason: _reason, ...rest } = request;
      return { ...rest, status: 'active' };
    }),
  ];
}

export const discontinued = (ctx: FoldContext, { data }: EventOf<'MedicationDiscontinued'>): ResourceChange[] =>
  update<MedicationRequest>('MedicationRequest', ctx.latestRequest(data.medicationId), (request) => ({
    ...request,
    status: 'stopped',
    statusReason: {
      coding: [{ system: caretrailSystem.discontinuationReason, code: data.reason }],
      text: data.reasonDetail ?? data.reason,
    },
    dispenseRequest: { validityPeriod: { end: data.stoppedAt } },
  }));

type DoseEvent = EventOf<'DoseTaken'> | EventOf<'DoseMissed'> | EventOf<'DoseTakenLate'>;

/**
 * One administration per dose event: `effective` is when it happened (the
 * device's time), `meta.lastUpdated` when it was recorded; the dose slot it
 * answers is an extension. A missed dose is `not-done` with its reason.
 */
export function dose(ctx: FoldContext, event: DoseEvent, id: string): ResourceChange[] {
  const { data } = event;
  const request = ctx.requestInForce(data.medicationId, data.scheduledFor);
  const base: MedicationAdministration = {
    resourceType: 'MedicationAdministration',
    id,
    extension: [{ url: extensionUrl.scheduledFor, valueDateTime: data.scheduledFor }],
    status: 'completed',
    medicationCodeableConcept: ctx.medications.get(data.medicationId)?.drug ?? { text: data.medicationId },
    subject: ctx.patient,
    effectiveDateTime: data.occurredAt,
    performer: [{ actor: userReference(data.recordedBy) }],
    ...(request === undefined ? {} : { request: { reference: `MedicationRequest/${request}` } }),
  };
  if (event.type !== 'DoseMissed')
    return [change<MedicationAdministration>('MedicationAdministration', id, () => base)];
  const { reason, reasonDetail } = event.data;
  return [
    change<MedicationAdministration>('MedicationAdministration', id, () => ({
      ...base,
      status: 'not-done',
      statusReason: [
        {
          ...(reason === null ? {} : { coding: [{ system: caretrailSystem.missedDoseReason, code: reason }] }),
          text: reasonDetail ?? reason ?? 'missed',
        },
      ],
    })),
  ];
}
