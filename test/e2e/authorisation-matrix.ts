/**
 * Who may write what: the expected authorisation of every write endpoint,
 * stated independently of the code that enforces it (DOMAIN.md's users
 * table and rules). The matrix test checks the API against it.
 *
 * `team` lists the care-team roles allowed when the caller is on the
 * patient's team; `patientSelf` says whether the patient may do it for
 * their own record. Nobody off the team, no other patient, no admin and no
 * analyst may write anything to a patient's record.
 */
export type TeamRole = 'therapist' | 'prescriber' | 'primary-care' | 'care-manager';

export interface MatrixRow {
  endpoint: string;
  team: readonly TeamRole[];
  patientSelf: boolean;
}

const CLINICIANS: readonly TeamRole[] = ['therapist', 'prescriber', 'primary-care', 'care-manager'];
const TREATING: readonly TeamRole[] = ['therapist', 'prescriber'];
const PRESCRIBER: readonly TeamRole[] = ['prescriber'];

export const writeMatrix: readonly MatrixRow[] = [
  { endpoint: 'POST /patients/{patientId}/care-plan', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/care-plan/reviews', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/care-team', team: CLINICIANS, patientSelf: false },
  { endpoint: 'DELETE /patients/{patientId}/care-team/{removableUserId}', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/goals', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/goals/{goalId}/revisions', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/goals/{goalId}/achievement', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/holistic-context', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/therapy', team: TREATING, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/therapy/modality', team: TREATING, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/therapy/frequency', team: TREATING, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/medications', team: PRESCRIBER, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/medications/{medicationId}/adjustments', team: PRESCRIBER, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/doses/taken', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/doses/missed', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/sessions', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/sessions/{sessionId}/reschedulings', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/sessions/{sessionId}/attendance', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/sessions/{sessionId}/no-show', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/sessions/{sessionId}/cancellation', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/side-effects', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/side-effects/{sideEffectId}/reviews', team: PRESCRIBER, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/side-effects/{sideEffectId}/resolution', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/outcomes', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/consultations', team: CLINICIANS, patientSelf: false },
  // The consultation under test was addressed to the prescriber role: only its addressee answers.
  { endpoint: 'POST /patients/{patientId}/consultations/{consultationId}/answer', team: PRESCRIBER, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/collaboration-notes', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/case-reviews', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/entries/{doseEventId}/corrections', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/entries/{doseEventId}/entered-in-error', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/care-plan/track', team: TREATING, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/medications/{medicationId}/discontinuation', team: PRESCRIBER, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/care-plan/closure', team: TREATING, patientSelf: false },
];

/** Enrolment creates the record; any clinician may enrol (and so founds the team). */
export const enrolMatrix = { endpoint: 'POST /patients', allowed: CLINICIANS } as const;
