import { cliniciansFor } from './patient/clinicians';
import { IdSource } from './random';

/** Users of a seeded clinic to sign in as: the clinicians (by role) and a few patients. */
export interface SeedSignIns {
  therapist: string[];
  prescriber: string[];
  'care-manager': string[];
  patient: string[];
}

/**
 * Who a seed run made, derived from its seed and size the way the run derives them (clinician ids
 * by count, patient ids from the seed), so the command line can print them without reading the store.
 */
export function seedSignIns(seed: string, patients: number, samplePatients = 3): SeedSignIns {
  const clinicians = cliniciansFor(patients);
  return {
    therapist: clinicians.therapists,
    prescriber: clinicians.prescribers,
    'care-manager': clinicians.careManagers,
    patient: Array.from({ length: Math.min(patients, samplePatients) }, (_, i) => new IdSource(seed, i).patientId),
  };
}
