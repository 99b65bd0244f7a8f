/**
 * @caretrail/privacy: personal data at rest (docs/erasure.md). Domain events'
 * personal-data fields are sealed per patient when written and opened when
 * read; erasure destroys the patient's key (crypto-shredding).
 */
export { decryptEventData, decryptEvents, encryptEventData, type PatientKeyReader } from './personal-data-encryption';
export {
  erasureEvent,
  erasureStream,
  isErasureEvent,
  PATIENT_DATA_ERASED,
  type PatientDataErasedData,
} from './erasure-event';
export { ERASED_TEXT } from '@caretrail/security';
