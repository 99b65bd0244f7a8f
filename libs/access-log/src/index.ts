export * from './access-record';
export {
  ACCESS_CHAINS,
  AccessLog,
  accessChainOf,
  InvalidCursor,
  verifyAccessChain,
  type AccessChainBreak,
  type AccessChainBreakReason,
  type AccessChainHead,
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
