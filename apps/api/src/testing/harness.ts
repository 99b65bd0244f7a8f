import { enrolTestPatient, type TestPatient } from './care-setup';
import { startTestApi, type TestApi } from './test-api';

/** What an API integration spec works with, once its beforeAll has run. */
export interface ApiHarness {
  readonly api: TestApi;
  /** The patient enrolled for the file: a therapist and a prescriber on the team, an integrated plan. */
  readonly p: TestPatient;
}

/**
 * The set-up every API integration spec shares: the real API on PostgreSQL (a schema of its own)
 * started before the file's tests and closed after them, and one enrolled patient unless
 * `enrol: false`; `env` adds to the API's environment. Call it at the top of the spec's describe block.
 */
export function useTestApi({ enrol = true, env = {} }: { enrol?: boolean; env?: NodeJS.ProcessEnv } = {}): ApiHarness {
  let api: TestApi | undefined;
  let patient: TestPatient | undefined;
  beforeAll(async () => {
    api = await startTestApi('postgres', env);
    if (enrol) patient = await enrolTestPatient(api);
  });
  afterAll(() => api?.close());
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is set up in beforeAll: use it inside a test or hook`);
    return value;
  };
  return {
    get api() {
      return ready(api, 'the test API');
    },
    get p() {
      return ready(patient, enrol ? 'the patient' : 'no patient (enrol: false)');
    },
  };
}
