import type { Registry } from 'prom-client';
import { healthPortFromEnv, serveHealth, type HealthServer } from '@caretrail/health';
import type { ProjectionHost } from '@caretrail/projections';

/**
 * The projector's probes on PROJECTOR_STATUS_PORT (unset: none;
 * docs/deployment.md, Probes). Ready while the store answers and no read
 * model has failed: each one is running, catching up, rebuilding, paused by
 * an operator or starting (the lease rows hold what each shard's holder reports).
 * /status lists the read models as `GET /admin/projections` does; /metrics
 * is `registry` (docs/deployment.md, Metrics).
 */
export async function serveProjectorHealth(
  host: ProjectionHost,
  env: NodeJS.ProcessEnv,
  registry: Registry,
): Promise<HealthServer | undefined> {
  const port = healthPortFromEnv(env, 'PROJECTOR_STATUS_PORT');
  if (port === undefined) return undefined;
  return serveHealth({
    port,
    host: env['HOST'] || '127.0.0.1',
    status: () => host.status(),
    metrics: { contentType: registry.contentType, text: () => registry.metrics() },
    readiness: async () => {
      const models = await host.status();
      const failed = models.filter((m) => m.state === 'failed').map((m) => m.name);
      return { ready: failed.length === 0, detail: { readModels: models.length, failed } };
    },
  });
}
