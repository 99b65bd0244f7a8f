/**
 * FHIR resource ids (docs/fhir.md, "Ids"). A patient's Patient and CareTeam
 * carry the patient id; every other resource is named after the event that
 * created it, `<patientId>.<global position>`, so the id alone says whose
 * record it is (access is decided before anything is read) and it never
 * changes while later events make new versions of it.
 */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function resourceId(patientId: string, position: number): string {
  return `${patientId}.${position}`;
}

/** The patient a resource id belongs to, or null when the id is not one CareTrail hands out. */
export function patientOfResourceId(resourceType: string, id: string): string | null {
  if (!FHIR_ID.test(id)) return null;
  if (resourceType === 'Patient' || resourceType === 'CareTeam') return id.includes('.') ? null : id;
  const dot = id.lastIndexOf('.');
  if (dot <= 0 || !/^\d+$/.test(id.slice(dot + 1))) return null;
  return id.slice(0, dot);
}
