/** The clinic's staff, shared by all patients of a run. */
export interface Clinicians {
  therapists: string[];
  prescribers: string[];
  careManagers: string[];
}

export function cliniciansFor(patients: number): Clinicians {
  const list = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`);
  return {
    therapists: list('therapist', Math.max(2, Math.ceil(patients / 30))),
    prescribers: list('prescriber', Math.max(2, Math.ceil(patients / 60))),
    careManagers: list('care-manager', Math.max(1, Math.ceil(patients / 100))),
  };
}
