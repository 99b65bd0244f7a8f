export type { PoisonPolicy, ProjectionState } from './projection';
export { BatchProjector, type BatchProjectorOptions, type ProjectionKeys } from './batch-projector';
export {
  ParkedEventSkipped,
  ProjectionHost,
  UnknownParkedEvent,
  UnknownProjection,
  type RetryOutcome,
  type ProjectionHostOptions,
  type ProjectionStatus,
} from './projection-host';
export { ProjectionTables, checkpointName } from './projection-tables';
export type { ParkedEvent } from './parked-events';
export { registerProjectionMetrics } from './projection-metrics';
