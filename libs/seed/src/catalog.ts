import type { DayOfWeek, DiscontinuationReason, TherapyModality } from '@caretrail/domain';

/** Plausible, made-up content for seeded histories. No real person is named. */

export const givenNames = [
  'Ada',
  'Grace',
  'Alan',
  'Mary',
  'Noor',
  'Kwame',
  'Lena',
  'Mateo',
  'Aiko',
  'Priya',
  'Tomasz',
  'Ines',
  'Oluwaseun',
  'Freya',
  'Hamza',
  'Sofia',
  'Liam',
  'Mei',
  'Jonas',
  'Amara',
  'Diego',
  'Elif',
  'Rohan',
  'Chloe',
  'Yusuf',
  'Hana',
  'Marek',
  'Zara',
] as const;

export const familyNames = [
  'Hopper',
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Tanaka',
  'Haddad',
  'Kowalski',
  'Fernandes',
  'Nguyen',
  'Mensah',
  'Schmidt',
  'Rossi',
  'Kaur',
  'Dubois',
  'Novak',
  'Sato',
  'Osei',
  'Larsen',
  'Castillo',
  'Yilmaz',
  'Byrne',
  'Petrov',
  'Abara',
  'Silva',
] as const;

export const timeZones = [
  ['Europe/London', 30],
  ['UTC', 10],
  ['Europe/Berlin', 15],
  ['America/New_York', 20],
  ['America/Los_Angeles', 10],
  ['Asia/Kolkata', 8],
  ['Australia/Sydney', 7],
] as const;

export interface Drug {
  name: string;
  rxNormCode: string;
  unit: string;
  /** Starting strength and the usual step up. */
  start: number;
  step: number;
  max: number;
}

/** Ingredient-level RxNorm codes of common antidepressants, anxiolytics and mood stabilisers. */
export const drugs: readonly Drug[] = [
  { name: 'Sertraline', rxNormCode: '36437', unit: 'mg', start: 50, step: 50, max: 200 },
  { name: 'Escitalopram', rxNormCode: '321988', unit: 'mg', start: 10, step: 5, max: 20 },
  { name: 'Fluoxetine', rxNormCode: '4493', unit: 'mg', start: 20, step: 20, max: 60 },
  { name: 'Bupropion', rxNormCode: '42347', unit: 'mg', start: 150, step: 150, max: 450 },
  { name: 'Venlafaxine', rxNormCode: '39786', unit: 'mg', start: 75, step: 75, max: 225 },
  { name: 'Mirtazapine', rxNormCode: '15996', unit: 'mg', start: 15, step: 15, max: 45 },
  { name: 'Quetiapine', rxNormCode: '51272', unit: 'mg', start: 25, step: 25, max: 150 },
  { name: 'Lamotrigine', rxNormCode: '28439', unit: 'mg', start: 25, step: 25, max: 200 },
  { name: 'Buspirone', rxNormCode: '1827', unit: 'mg', start: 5, step: 5, max: 30 },
];

export interface ScheduleShape {
  timesPerDay: number;
  daysOfWeek: DayOfWeek[];
  times: string[];
}

export const EVERY_DAY: DayOfWeek[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export const scheduleShapes: readonly (readonly [ScheduleShape, number])[] = [
  [{ timesPerDay: 1, daysOfWeek: EVERY_DAY, times: ['08:00'] }, 40],
  [{ timesPerDay: 1, daysOfWeek: EVERY_DAY, times: ['21:00'] }, 10],
  [{ timesPerDay: 2, daysOfWeek: EVERY_DAY, times: ['08:00', '20:00'] }, 30],
  [{ timesPerDay: 3, daysOfWeek: EVERY_DAY, times: ['08:00', '14:00', '20:00'] }, 10],
  [{ timesPerDay: 1, daysOfWeek: ['mon', 'wed', 'fri'], times: ['09:00'] }, 10],
];

export const modalities: readonly (readonly [TherapyModality, number])[] = [
  ['CBT', 60],
  ['DBT', 25],
  ['other', 15],
];

export const otherModalities = [
  'Interpersonal therapy',
  'Acceptance and commitment therapy',
  'Behavioural activation',
] as const;

export const goals = [
  'Sleep at least 7 hours on most nights.',
  'Return to work three days a week.',
  'Walk 30 minutes five days a week.',
  'Reduce panic episodes to fewer than one a week.',
  'Reconnect with one friend each week.',
  'Use a coping skill before acting on urges.',
  'Keep a daily mood diary.',
] as const;

export const lifestyles = [
  'Works night shifts; irregular meals.',
  'Student; exams in the spring.',
  'Runs twice a week; drinks alcohol at weekends.',
  'Caring for a parent with dementia.',
  'Recently unemployed; spends most days at home.',
] as const;

export const supportSystems = [
  'Lives with a partner who is supportive.',
  'Close sister nearby; few friends.',
  'Lives alone; attends a weekly peer group.',
  'Two teenage children; separated from spouse.',
] as const;

export const comorbidities = [
  { code: 'E11', description: 'Type 2 diabetes mellitus' },
  { code: 'I10', description: 'Essential hypertension' },
  { code: 'G43', description: 'Migraine' },
  { code: 'J45', description: 'Asthma' },
  { code: 'F10.1', description: 'Alcohol abuse' },
] as const;

export const symptoms = {
  mild: ['Dry mouth.', 'Mild headache in the mornings.', 'Slight nausea after the dose.', 'Vivid dreams.'],
  moderate: ['Insomnia most nights.', 'Daytime drowsiness affecting work.', 'Reduced libido.', 'Weight gain of 3 kg.'],
  severe: [
    'Severe agitation and restlessness.',
    'Rash spreading over the chest.',
    'Persistent vomiting.',
    'Fainting episode.',
  ],
} as const;

export const consultationTopics = {
  toPrescriber: [
    'Patient reports poor sleep since the dose increase. Worth reviewing the timing?',
    'Mood lower over the last two weeks despite good attendance. Medication review?',
    'Patient asks whether they can reduce the dose before travelling.',
    'Possible side effect: new restlessness in sessions.',
  ],
  toTherapist: [
    'Starting a new medication this week; please watch for activation in sessions.',
    'Adherence has dropped. Could you explore barriers in your next session?',
    'Planning to taper next month; can therapy frequency increase meanwhile?',
  ],
} as const;

export const answers = [
  'Agreed. I will review at the next appointment and adjust if needed.',
  'Thanks for flagging. Moving the dose to the morning from tomorrow.',
  'Seen. No change for now; let us reassess in two weeks.',
  'Yes, I will increase sessions to weekly for the next month.',
] as const;

export const notes = [
  'Good engagement; practising behavioural activation between sessions.',
  'Discussed sleep hygiene; patient keeps a diary.',
  'Patient reports more energy; completed homework.',
  'Difficult week; safety plan reviewed, no current risk.',
] as const;

export const missedReasons = [
  ['forgot', 55],
  ['asleep', 15],
  ['side-effects', 10],
  ['ran-out', 10],
  ['other', 10],
] as const;

export const cancellationReasons = {
  patient: ['Unwell.', 'Childcare fell through.', 'Work commitment.'],
  clinician: ['Therapist unwell.', 'Clinician on leave.'],
  clinic: ['Clinic closed for training.', 'Room unavailable.'],
} as const;

export const discontinuationReasons: Record<'sideEffects' | 'trackChange' | 'completed', DiscontinuationReason> = {
  sideEffects: 'side-effects',
  trackChange: 'track-change',
  completed: 'course-completed',
};
