import type { Observation, QuestionnaireResponse } from '@medplum/fhirtypes';
import type { EventOf } from '@caretrail/domain';
import { frequencyAnswers, instrumentCodes, LOINC, OBSERVATION_CATEGORY } from '../codes';
import { change, userReference, type FoldContext, type ResourceChange } from './context';

const SURVEY = [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'survey', display: 'Survey' }] }];

/**
 * A PHQ-9 or GAD-7 is two resources with one id: the answers
 * (QuestionnaireResponse, LOINC item codes as linkIds) and the total score
 * (Observation, LOINC 44261-6 or 70274-6) derived from them.
 */
export function outcomeMeasured(ctx: FoldContext, { data }: EventOf<'OutcomeMeasured'>, id: string): ResourceChange[] {
  const codes = instrumentCodes[data.instrument];
  const author = userReference(data.administeredBy);
  return [
    change<QuestionnaireResponse>('QuestionnaireResponse', id, () => ({
      resourceType: 'QuestionnaireResponse',
      id,
      questionnaire: `http://loinc.org/q/${codes.panel}`,
      status: 'completed',
      subject: ctx.patient,
      authored: data.occurredAt,
      author,
      item: [
        ...data.items.map((score, i) => {
          const [code, question] = codes.items[i] ?? [`item-${i + 1}`, `Item ${i + 1}`];
          const [answer, display] = frequencyAnswers[score] ?? frequencyAnswers[0];
          return { linkId: code, text: question, answer: [{ valueCoding: { system: LOINC, code: answer, display } }] };
        }),
        { linkId: codes.total, text: codes.totalDisplay, answer: [{ valueInteger: data.total }] },
      ],
    })),
    change<Observation>('Observation', id, () => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      category: SURVEY,
      code: { coding: [{ system: LOINC, code: codes.total, display: codes.totalDisplay }], text: data.instrument },
      subject: ctx.patient,
      effectiveDateTime: data.occurredAt,
      performer: [author],
      valueInteger: data.total,
      derivedFrom: [{ reference: `QuestionnaireResponse/${id}` }],
    })),
  ];
}
