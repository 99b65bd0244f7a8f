/**
 * Every dependency-injection token of the API, in one place: modules provide
 * them, anything may inject them, and this file imports nothing of the API's.
 */

/** The ApiConfig of this process (config/api-config.ts). */
export const API_CONFIG = Symbol('API_CONFIG');
/** The event store port (EventStore), opened once per process: what every caller of the log depends on. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/**
 * The SqlDatabase beside it, for what keeps SQL tables of its own: read
 * models, checkpoints, the access log, patients' keys (docs/architecture.md).
 */
export const SQL_DATABASE = Symbol('SQL_DATABASE');
/** The ProjectionHost running this process's read models. */
export const PROJECTION_HOST = Symbol('PROJECTION_HOST');
/** The bearer-token verifier (local key or OIDC issuer). */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
/** The patients' data keys, shared by personal-data encryption and the projection host. */
export const PATIENT_KEYS = Symbol('PATIENT_KEYS');
/** Who hears how each request ended (http/audit/access-observer.ts). */
export const ACCESS_OBSERVER = Symbol('ACCESS_OBSERVER');
