/**
 * @caretrail/health: the small HTTP health server of the processes that
 * serve no HTTP of their own (apps/projector, apps/relay), for orchestrators'
 * probes (docs/deployment.md, Probes).
 */
export {
  HEALTH_PATHS,
  healthPortFromEnv,
  serveHealth,
  type HealthServer,
  type HealthServerOptions,
  type Readiness,
} from './health-server';
