export * from './access-record';
export {
  AccessLog,
  InvalidCursor,
  verifyAccessChain,
  type AccessChainBreakReason,
  type AccessChainReport,
  type AccessLogDatabase,
  type AccessLogFilter,
  type AccessLogOrder,
  type AccessLogPage,
  type AccessLogPageRequest,
} from './access-log';
export * from './export-format';
export {
  UNAUTHENTICATED_CATEGORY,
  UnauthenticatedAttempts,
  type UnauthenticatedAttempt,
} from './unauthenticated-attempts';
