import type { AdverseEvent, Observation } from '@medplum/fhirtypes';
import type { EventOf } from '@caretrail/domain';
import {
  ADVERSE_EVENT_OUTCOME,
  ADVERSE_EVENT_SEVERITY,
  caretrailSystem,
  MEDICATION_ID,
  OBSERVATION_CATEGORY,
} from '../codes';
import { change, update, userReference, type FoldContext, type ResourceChange } from './context';

const FIBSER_ITEMS = ['frequency', 'intensity', 'burden'] as const;

/**
 * A side effect is an AdverseEvent (severity, suspected medication's
 * drug); its FIBSER scores, when rated, an Observation with one component per
 * item whose `focus` is the AdverseEvent.
 */
export function sideEffectReported(
  ctx: FoldContext,
  { data }: EventOf<'SideEffectReported'>,
  id: string,
): ResourceChange[] {
  ctx.sideEffects.set(data.sideEffectId, id);
  const suspect = data.suspectedMedicationId === null ? undefined : ctx.medications.get(data.suspectedMedicationId);
  const fibser = data.fibser;
  return [
    change<AdverseEvent>('AdverseEvent', id, () => ({
      resourceType: 'AdverseEvent',
      id,
      identifier: { system: 'https://caretrail.dev/fhir/NamingSystem/side-effect-id', value: data.sideEffectId },
      actuality: 'actual',
      event: { text: data.symptom },
      subject: ctx.patient,
      date: data.occurredAt,
      recorder: userReference(data.reportedBy),
      severity: { coding: [{ system: ADVERSE_EVENT_SEVERITY, code: data.severity }], text: data.severity },
      outcome: { coding: [{ system: ADVERSE_EVENT_OUTCOME, code: 'ongoing' }] },
      // R4 lets a suspect be a Medication, not a request: the drug is contained, named by the record's medication id.
      ...(suspect === undefined
        ? {}
        : {
            contained: [
              {
                resourceType: 'Medication',
                id: 'suspect',
                identifier: [{ system: MEDICATION_ID, value: data.suspectedMedicationId! }],
                code: suspect.drug,
              },
            ],
            suspectEntity: [{ instance: { reference: '#suspect' } }],
          }),
    })),
    ...(fibser === null
      ? []
      : [
          change<Observation>('Observation', id, () => ({
            resourceType: 'Observation',
            id,
            status: 'final',
            category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'survey', display: 'Survey' }] }],
            code: {
              coding: [{ system: caretrailSystem.fibser, code: 'FIBSER' }],
              text: 'Frequency, Intensity and Burden of Side Effects Rating',
            },
            subject: ctx.patient,
            focus: [{ reference: `AdverseEvent/${id}` }],
            effectiveDateTime: data.occurredAt,
            performer: [userReference(data.reportedBy)],
            component: FIBSER_ITEMS.map((item) => ({
              code: { coding: [{ system: caretrailSystem.fibser, code: item }], text: item },
              valueInteger: fibser[item],
            })),
          })),
        ]),
  ];
}

export const sideEffectResolved = (ctx: FoldContext, { data }: EventOf<'SideEffectResolved'>): ResourceChange[] =>
  update<AdverseEvent>('AdverseEvent', ctx.sideEffects.get(data.sideEffectId), (event) => ({
    ...event,
    outcome: { coding: [{ system: ADVERSE_EVENT_OUTCOME, code: 'resolved' }] },
  }));
