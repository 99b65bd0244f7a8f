import type { Coding, Resource } from '@medplum/fhirtypes';

/** How one served type answers the common search parameters (docs/fhir.md, "Search"). */
export interface SearchPaths {
  /** The instant or date `date` compares with; absent: the type has no `date` parameter. */
  readonly date?: (resource: Resource) => string | undefined;
  readonly status?: (resource: Resource) => string | undefined;
  readonly code?: (resource: Resource) => readonly Coding[];
}

type Of<T extends Resource['resourceType']> = Extract<Resource, { resourceType: T }>;
const as =
  <T extends Resource['resourceType'], V>(read: (resource: Of<T>) => V) =>
  (resource: Resource): V =>
    read(resource as Of<T>);

/** The resource types the API serves, each with its search paths; the CapabilityStatement lists exactly these. */
export const servedTypes = {
  Patient: {},
  CareTeam: {
    date: as<'CareTeam', string | undefined>((r) => r.participant?.[0]?.period?.start),
    status: as<'CareTeam', string | undefined>((r) => r.status),
  },
  CarePlan: {
    date: as<'CarePlan', string | undefined>((r) => r.period?.start),
    status: as<'CarePlan', string | undefined>((r) => r.status),
    code: as<'CarePlan', Coding[]>((r) => r.category?.flatMap((c) => c.coding ?? []) ?? []),
  },
  MedicationRequest: {
    date: as<'MedicationRequest', string | undefined>((r) => r.authoredOn),
    status: as<'MedicationRequest', string | undefined>((r) => r.status),
    code: as<'MedicationRequest', Coding[]>((r) => r.medicationCodeableConcept?.coding ?? []),
  },
  MedicationAdministration: {
    date: as<'MedicationAdministration', string | undefined>((r) => r.effectiveDateTime),
    status: as<'MedicationAdministration', string | undefined>((r) => r.status),
    code: as<'MedicationAdministration', Coding[]>((r) => r.medicationCodeableConcept?.coding ?? []),
  },
  Appointment: {
    date: as<'Appointment', string | undefined>((r) => r.start),
    status: as<'Appointment', string | undefined>((r) => r.status),
    code: as<'Appointment', Coding[]>((r) => r.serviceType?.flatMap((c) => c.coding ?? []) ?? []),
  },
  Observation: {
    date: as<'Observation', string | undefined>((r) => r.effectiveDateTime),
    status: as<'Observation', string | undefined>((r) => r.status),
    code: as<'Observation', Coding[]>((r) => r.code.coding ?? []),
  },
  QuestionnaireResponse: {
    date: as<'QuestionnaireResponse', string | undefined>((r) => r.authored),
    status: as<'QuestionnaireResponse', string | undefined>((r) => r.status),
  },
  AdverseEvent: {
    date: as<'AdverseEvent', string | undefined>((r) => r.date),
    code: as<'AdverseEvent', Coding[]>((r) => r.event?.coding ?? []),
  },
  Communication: {
    date: as<'Communication', string | undefined>((r) => r.sent),
    status: as<'Communication', string | undefined>((r) => r.status),
    code: as<'Communication', Coding[]>((r) => r.category?.flatMap((c) => c.coding ?? []) ?? []),
  },
  Provenance: {
    date: as<'Provenance', string | undefined>((r) => r.recorded),
    code: as<'Provenance', Coding[]>((r) => r.activity?.coding ?? []),
  },
  AuditEvent: {
    date: as<'AuditEvent', string | undefined>((r) => r.recorded),
  },
} as const satisfies Record<string, SearchPaths>;

export type ServedType = keyof typeof servedTypes;

export const isServedType = (type: string): type is ServedType =>
  Object.prototype.hasOwnProperty.call(servedTypes, type);

/** Types derived from a patient's log; AuditEvent comes from the access log. */
export const patientTypes = (Object.keys(servedTypes) as ServedType[]).filter((t) => t !== 'AuditEvent');
