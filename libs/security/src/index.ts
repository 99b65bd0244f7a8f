export * from './tokens';
export {
  loadOrCreateLocalSigningKey,
  localSigningKeyPath,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type LocalSigningKey,
} from './local-signing-key';
export * from './personal-data-crypto';
export * from './patient-key-store';
