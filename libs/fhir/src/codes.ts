/**
 * Code systems and codes the FHIR mapping uses (docs/fhir.md, "Codes").
 * Standard terminologies where the record holds a fact they name; CareTrail's
 * own systems under one base where none fits.
 */
export const LOINC = 'http://loinc.org';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const SNOMED = 'http://snomed.info/sct';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const ADVERSE_EVENT_SEVERITY = 'http://terminology.hl7.org/CodeSystem/adverse-event-severity';
export const ADVERSE_EVENT_OUTCOME = 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome';
export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';

const BASE = 'https://caretrail.dev/fhir';
/** CareTrail's own code systems: the values are the domain's own enumerations. */
export const caretrailSystem = {
  careTeamRole: `${BASE}/CodeSystem/care-team-role`,
  treatmentTrack: `${BASE}/CodeSystem/treatment-track`,
  therapyModality: `${BASE}/CodeSystem/therapy-modality`,
  sessionKind: `${BASE}/CodeSystem/session-kind`,
  missedDoseReason: `${BASE}/CodeSystem/missed-dose-reason`,
  discontinuationReason: `${BASE}/CodeSystem/discontinuation-reason`,
  consultation: `${BASE}/CodeSystem/communication-category`,
  eventType: `${BASE}/CodeSystem/event-type`,
  fibser: `${BASE}/CodeSystem/fibser`,
  accessAction: `${BASE}/CodeSystem/access-action`,
  dataCategory: `${BASE}/CodeSystem/data-category`,
} as const;
/** Identifier system of CareTrail user ids (clinicians, patients' app accounts). */
export const USER_IDENTIFIER = `${BASE}/NamingSystem/user-id`;
export const PATIENT_IDENTIFIER = `${BASE}/NamingSystem/patient-id`;
export const MEDICATION_ID = `${BASE}/NamingSystem/medication-id`;
export const extensionUrl = {
  scheduledFor: `${BASE}/StructureDefinition/scheduled-for`,
  correlationId: `${BASE}/StructureDefinition/correlation-id`,
  timeZone: `${BASE}/StructureDefinition/time-zone`,
  pseudonymised: `${BASE}/StructureDefinition/pseudonymised`,
} as const;

export interface InstrumentCodes {
  /** LOINC panel (the questionnaire) and its total score. */
  readonly panel: string;
  readonly panelDisplay: string;
  readonly total: string;
  readonly totalDisplay: string;
  /** LOINC item codes in questionnaire order, with their question text. */
  readonly items: ReadonlyArray<readonly [code: string, text: string]>;
}

/** PHQ-9 (LOINC panel 44249-1) and GAD-7 (69737-5), items in questionnaire order. */
export const instrumentCodes: Readonly<Record<'PHQ-9' | 'GAD-7', InstrumentCodes>> = {
  'PHQ-9': {
    panel: '44249-1',
    panelDisplay: 'PHQ-9 quick depression assessment panel',
    total: '44261-6',
    totalDisplay: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]',
    items: [
      ['44250-9', 'Little interest or pleasure in doing things'],
      ['44255-8', 'Feeling down, depressed, or hopeless'],
      ['44259-0', 'Trouble falling or staying asleep, or sleeping too much'],
      ['44254-1', 'Feeling tired or having little energy'],
      ['44251-7', 'Poor appetite or overeating'],
      ['44258-2', 'Feeling bad about yourself - or that you are a failure or have let yourself or your family down'],
      ['44252-5', 'Trouble concentrating on things, such as reading the newspaper or watching television'],
      ['44253-3', 'Moving or speaking so slowly that other people could have noticed, or the opposite'],
      ['44260-8', 'Thoughts that you would be better off dead, or of hurting yourself in some way'],
    ],
  },
  'GAD-7': {
    panel: '69737-5',
    panelDisplay: 'Generalized anxiety disorder 7 item (GAD-7)',
    total: '70274-6',
    totalDisplay: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]',
    items: [
      ['69725-0', 'Feeling nervous, anxious or on edge'],
      ['68509-9', 'Not being able to stop or control worrying'],
      ['69733-4', 'Worrying too much about different things'],
      ['69734-2', 'Trouble relaxing'],
      ['69735-9', "Being so restless that it's hard to sit still"],
      ['69689-8', 'Becoming easily annoyed or irritable'],
      ['69736-7', 'Feeling afraid as if something awful might happen'],
    ],
  },
};

/** The LOINC answer list shared by PHQ-9 and GAD-7 items (LL358-3): item score 0-3. */
export const frequencyAnswers = [
  ['LA6568-5', 'Not at all'],
  ['LA6569-3', 'Several days'],
  ['LA6570-1', 'More than half the days'],
  ['LA6571-9', 'Nearly every day'],
] as const;

/** SNOMED CT where a concept matches the record's value exactly; other values carry CareTrail's code only. */
export const snomedOf: Readonly<Record<string, readonly [code: string, display: string]>> = {
  CBT: ['228557008', 'Cognitive and behavioral therapy'],
  psychotherapy: ['75516001', 'Psychotherapy'],
};
