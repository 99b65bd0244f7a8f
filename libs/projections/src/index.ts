export type { PoisonPolicy, ProjectionState } from './projection';
export { BatchProjector, type BatchProjectorOptions, type ProjectionKeys } from './batch-projector';
export {
  ProjectionHost,
  UnknownProjection,
  type ProjectionHostOptions,
  type ProjectionStatus,
} from './projection-host';
export { ProjectionTables, checkpointName } from './projection-tables';
export { registerProjectionMetrics } from './projection-metrics';
