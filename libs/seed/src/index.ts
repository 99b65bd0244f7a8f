/**
 * @caretrail/seed: plausible care histories through the domain's own
 * commands, deterministic per seed. `npm run cli -- seed` runs it on the store
 * it opens, or asks the running server to run it in its own process
 * (`POST /admin/seed`) when that server holds the embedded store.
 */
export {
  AlreadySeeded,
  EVENTS_PER_PATIENT_YEAR,
  patientsForEvents,
  seed,
  SEED_VERSION,
  type SeedOptions,
  type SeedProgress,
  type SeedResult,
} from './seed';
export { seedSignIns, type SeedSignIns } from './sign-ins';
