/**
 * @caretrail/care-log: the one translation between the domain and the event
 * store, and the one write path (docs/architecture.md, "Write side").
 *
 * - stored to domain: `decodeStoredEvent` / `decodeDomainEvents` (upcast),
 *   after personal data was opened (`decryptEvents`);
 * - domain to stored: `encodeDomainEvents` (schema version, metadata,
 *   personal data sealed with `encryptEventData`, docs/erasure.md);
 * - `executeCommand`: load, fold, decide, seal, append with the version read,
 *   decide again on a lost race; the API, the seed and the benchmarks call it.
 */
export { decodeDomainEvents, decodeStoredEvent, isDomainEvent, type DecodedEvent } from './codec/stored-to-domain';
export { encodeDomainEvents, storePlain, type EventProvenance, type SealPersonalData } from './codec/domain-to-stored';
export {
  eventStoreStateLoader,
  type CommandStateLoader,
  type LoadedCommandState,
  type OpenPersonalData,
} from './write/command-state-loader';
export {
  executeCommand,
  MAX_COMMAND_ATTEMPTS,
  type CommandRequest,
  type CommandWritePorts,
  type CommandWritten,
  type StreamIntegrityCheck,
} from './write/execute-command';
export { StreamWriteQueue } from './write/stream-write-queue';
export { FoldedStateCache, type FoldedStateCacheOptions } from './write/cached-state-loader';
export {
  decryptEventData,
  decryptEvents,
  encryptEventData,
  type PatientKeyReader,
} from './personal-data/personal-data-encryption';
export {
  hasSealedRowField,
  holdsPersonalData,
  openReadModelRow,
  openReadModelRowWith,
  sealReadModelRow,
  type ReadModelRowOwner,
} from './personal-data/read-model-rows';
export {
  erasureEvent,
  erasureStream,
  isErasureEvent,
  PATIENT_DATA_ERASED,
  type PatientDataErasedData,
} from './personal-data/erasure-event';
export { ERASED_TEXT } from '@caretrail/security';
