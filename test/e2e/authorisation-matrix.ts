/**
 * Who may do what: the expected authorisation of every endpoint (writes,
 * patient reads, the registry, admin and audit views), stated independently
 * of the code that enforces it (docs/domain.md, "Who may issue what"). The
 * matrix test checks the API against it, for every role, on the patient's
 * care team and off it.
 *
 * `team` lists the care-team roles allowed when the caller is on the
 * patient's team; `patientSelf` says whether the patient may do it for
 * their own record; `anyone` lists roles allowed whatever their relation to
 * the patient (admins for the audit views, clinicians for their own
 * caseload). Nobody off the team, no other patient, no admin and no analyst
 * may write anything to a patient's record or read it through the clinical
 * views.
 */
export type TeamRole = 'therapist' | 'prescriber' | 'primary-care' | 'care-manager';
export type Role = TeamRole | 'patient' | 'admin' | 'analyst';

export interface MatrixRow {
  /** `METHOD /path`, with `{name}` standing for an id the test set up. */
  endpoint: string;
  kind: 'write' | 'read' | 'registry' | 'admin' | 'audit';
  team: readonly TeamRole[];
  patientSelf: boolean;
  anyone?: readonly Role[];
}

const CLINICIANS: readonly TeamRole[] = ['therapist', 'prescriber', 'primary-care', 'care-manager'];
const TREATING: readonly TeamRole[] = ['therapist', 'prescriber'];
const PRESCRIBER: readonly TeamRole[] = ['prescriber'];

const writes: ReadonlyArray<Omit<MatrixRow, 'kind'>> = [
  { endpoint: 'POST /patients/{patientId}/care-plan', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/care-plan/reviews', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/care-team', team: CLINICIANS, patientSelf: false },
  {
    endpoint: 'DELETE /patients/{patientId}/care-team/{removableUserId}?reason=Left%20the%20clinic',
    team: CLINICIANS,
    patientSelf: false,
  },
  { endpoint: 'POST /patients/{patientId}/goals', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/goals/{goalId}/revisions', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/goals/{goalId}/achievement', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/holistic-context', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/therapy', team: TREATING, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/therapy/modality', team: TREATING, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/therapy/frequency', team: TREATING, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/medications', team: PRESCRIBER, patientSelf: false },
  {
    endpoint: 'POST /patients/{patientId}/medications/{medicationId}/adjustments',
    team: PRESCRIBER,
    patientSelf: false,
  },
  {
    endpoint: 'POST /patients/{patientId}/medications/{medicationId}/adjustments/{adjustmentId}/cancellation',
    team: PRESCRIBER,
    patientSelf: false,
  },
  { endpoint: 'POST /patients/{patientId}/doses/taken', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/doses/missed', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/sessions', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/sessions/{sessionId}/reschedulings', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/sessions/{sessionId}/attendance', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/sessions/{sessionId}/no-show', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/sessions/{sessionId}/cancellation', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/side-effects', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/side-effects/{sideEffectId}/reviews', team: PRESCRIBER, patientSelf: false },
  {
    endpoint: 'POST /patients/{patientId}/side-effects/{sideEffectId}/resolution',
    team: CLINICIANS,
    patientSelf: true,
  },
  { endpoint: 'POST /patients/{patientId}/outcomes', team: CLINICIANS, patientSelf: true },
  { endpoint: 'POST /patients/{patientId}/consultations', team: CLINICIANS, patientSelf: false },
  // The consultation under test was addressed to the prescriber role: only its addressee answers.
  {
    endpoint: 'POST /patients/{patientId}/consultations/{consultationId}/answer',
    team: PRESCRIBER,
    patientSelf: false,
  },
  { endpoint: 'POST /patients/{patientId}/collaboration-notes', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/case-reviews', team: CLINICIANS, patientSelf: false },
  { endpoint: 'POST /patients/{patientId}/entries/{doseEventId}/corrections', team: CLINICIANS, patientSelf: true },
  {
    endpoint: 'POST /patients/{patientId}/entries/{doseEventId}/entered-in-error',
    team: CLINICIANS,
    patientSelf: true,
  },
  { endpoint: 'POST /patients/{patientId}/care-plan/track', team: TREATING, patientSelf: false },
  {
    endpoint: 'POST /patients/{patientId}/medications/{medicationId}/discontinuation',
    team: PRESCRIBER,
    patientSelf: false,
  },
  { endpoint: 'POST /patients/{patientId}/care-plan/closure', team: TREATING, patientSelf: false },
];

const NOBODY: readonly TeamRole[] = [];
const ADMIN: readonly Role[] = ['admin'];
const EXPORTERS: readonly Role[] = ['admin', 'analyst'];
const EVERYONE: readonly Role[] = [...CLINICIANS, 'patient', 'admin', 'analyst'];

export const authorisationMatrix: readonly MatrixRow[] = [
  ...writes.map((row) => ({ ...row, kind: 'write' as const })),
  // The clinical views of one patient: the patient and their care team.
  { endpoint: 'GET /patients/{patientId}/plan', kind: 'read', team: CLINICIANS, patientSelf: true },
  { endpoint: 'GET /patients/{patientId}/adherence', kind: 'read', team: CLINICIANS, patientSelf: true },
  { endpoint: 'GET /patients/{patientId}/collaboration', kind: 'read', team: CLINICIANS, patientSelf: true },
  { endpoint: 'GET /patients/{patientId}/outcomes', kind: 'read', team: CLINICIANS, patientSelf: true },
  { endpoint: 'GET /patients/{patientId}', kind: 'read', team: CLINICIANS, patientSelf: true },
  // A clinician's own caseload: only the patients whose team they are on, so any clinician may ask.
  { endpoint: 'GET /registry', kind: 'registry', team: NOBODY, patientSelf: false, anyone: CLINICIANS },
  // The caseload by name: the same rule as the registry (only the caller's own patients are listed).
  { endpoint: 'GET /patients', kind: 'registry', team: NOBODY, patientSelf: false, anyone: CLINICIANS },
  // Operating the read models: admins, who never see a patient's record there.
  // De-identified figures for analysts; no patient record is shown (docs/analytics.md).
  {
    endpoint: 'GET /reports/effectiveness',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ['analyst'],
  },
  { endpoint: 'GET /admin/projections', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  {
    endpoint: 'POST /admin/projections/{projection}/pause',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  {
    endpoint: 'POST /admin/projections/{projection}/resume',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  {
    endpoint: 'POST /admin/projections/{projection}/rebuild',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  {
    endpoint: 'GET /admin/projections/{projection}/parked',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  {
    endpoint: 'GET /admin/projections/{projection}/parked/{doseEventId}',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  {
    endpoint: 'POST /admin/projections/{projection}/parked/retry',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  {
    endpoint: 'POST /admin/projections/{projection}/parked/{doseEventId}/retry',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  {
    endpoint: 'POST /admin/projections/{projection}/parked/{doseEventId}/skip',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  { endpoint: 'GET /admin/integrity', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  // Prometheus scrapes with an admin's token (docs/deployment.md, Metrics): no patient in it.
  { endpoint: 'GET /metrics', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  { endpoint: 'GET /admin/integrity/verify', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  { endpoint: 'GET /admin/integrity/anchor', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  // The audit views: admins only, the patient's own care team included among the refused.
  { endpoint: 'GET /audit', kind: 'audit', team: NOBODY, patientSelf: false, anyone: ADMIN },
  {
    endpoint: 'GET /audit?patient={patientId}&format=csv',
    kind: 'audit',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  { endpoint: 'GET /audit?format=ndjson', kind: 'audit', team: NOBODY, patientSelf: false, anyone: ADMIN },
  { endpoint: 'GET /patients/{patientId}/history', kind: 'audit', team: NOBODY, patientSelf: false, anyone: ADMIN },
  { endpoint: 'GET /integration/relay', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  // The admin console records which of its pages an admin opened (docs/audit.md, "Admin console").
  { endpoint: 'POST /admin/console/views', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  // The command line's store tasks, run inside the server (apps/api/src/admin-tasks): admins only.
  { endpoint: 'POST /admin/seed', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  { endpoint: 'POST /admin/replays', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  { endpoint: 'POST /admin/reports/effectiveness', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
  // A patient as of an instant, as `/history` shows their trail: admins, the care team included among the refused.
  {
    endpoint: 'GET /admin/patients/{patientId}/as-of?as-of=2026-01-01T00:00:00Z',
    kind: 'audit',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  // FHIR R4 (docs/fhir.md): the clinical reads' rule for the record, admins for AuditEvent, anyone for metadata.
  { endpoint: 'GET /fhir/R4/metadata', kind: 'read', team: NOBODY, patientSelf: false, anyone: EVERYONE },
  { endpoint: 'GET /fhir/R4/{fhirSearchType}?patient={patientId}', kind: 'read', team: CLINICIANS, patientSelf: true },
  { endpoint: 'GET /fhir/R4/{fhirPatientType}/{patientId}', kind: 'read', team: CLINICIANS, patientSelf: true },
  {
    endpoint: 'GET /fhir/R4/{fhirPatientType}/{patientId}/_history',
    kind: 'read',
    team: CLINICIANS,
    patientSelf: true,
  },
  {
    endpoint: 'GET /fhir/R4/{fhirPatientType}/{patientId}/_history/{firstVersion}',
    kind: 'read',
    team: CLINICIANS,
    patientSelf: true,
  },
  { endpoint: 'GET /fhir/R4/{fhirAuditType}', kind: 'audit', team: NOBODY, patientSelf: false, anyone: ADMIN },
  // Bulk export: admins, analysts only pseudonymous; a job is its requester's (another's answers 404).
  {
    endpoint: 'GET /fhir/R4/$export?_pseudonymise=true',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: EXPORTERS,
  },
  {
    endpoint: 'GET /fhir/R4/Group/{exportGroup}/$export',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: ADMIN,
  },
  {
    endpoint: 'GET /fhir/R4/$export-status/{exportJob}',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: EXPORTERS,
  },
  {
    endpoint: 'GET /fhir/R4/$export-file/{exportJob}/{exportFile}',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: EXPORTERS,
  },
  {
    endpoint: 'DELETE /fhir/R4/$export-status/{exportJob}',
    kind: 'admin',
    team: NOBODY,
    patientSelf: false,
    anyone: EXPORTERS,
  },
  // Last: it erases the test patient's personal data.
  { endpoint: 'POST /patients/{patientId}/erasure', kind: 'admin', team: NOBODY, patientSelf: false, anyone: ADMIN },
];

/** Served without a token, and holding no patient data. */
export const publicEndpoints: readonly string[] = ['GET /health', 'GET /asyncapi.json'];

/** Enrolment creates the record; any clinician may enrol (and so founds the team). */
export const enrolMatrix = { endpoint: 'POST /patients', allowed: CLINICIANS } as const;
