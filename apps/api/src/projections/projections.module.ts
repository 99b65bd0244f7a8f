import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import { ProjectionHost, registerProjectionMetrics } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import type { CachingPatientKeyStore } from '@caretrail/security';
import type { ApiConfig } from '../config/api-config';
import { EVENT_STORE, SQL_DATABASE, PATIENT_KEYS, API_CONFIG, PROJECTION_HOST } from '../http/tokens';
import { ApiMetrics } from '../metrics/api-metrics';
import { AdminProjectionsController } from './admin-projections.controller';
import { ParkedEventsController } from './parked-events.controller';

const projectionsLogger = new Logger('Projections');

/** Runs the read models in this process unless RUN_PROJECTIONS=false (then apps/projector does). */
@Injectable()
class ProjectionLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(PROJECTION_HOST) private readonly host: ProjectionHost,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runProjections) return;
    registerProjectionMetrics(this.metrics.registry, this.host);
    await this.host.start();
  }

  // Before the store closes (onApplicationShutdown): runners hold connections.
  async onModuleDestroy(): Promise<void> {
    await this.host.stop();
  }
}

@Global()
@Module({
  controllers: [AdminProjectionsController, ParkedEventsController],
  providers: [
    {
      provide: PROJECTION_HOST,
      inject: [EVENT_STORE, SQL_DATABASE, API_CONFIG, PATIENT_KEYS],
      useFactory: (store: EventStore, sql: SqlDatabase, config: ApiConfig, keys: CachingPatientKeyStore) =>
        new ProjectionHost(store, sql, readModels, {
          poisonPolicy: config.projectionPoisonPolicy,
          shards: config.sharding.projectionShards,
          leaseMs: config.sharding.leaseMs,
          retryWaitMs: config.parkedRetryWaitMs,
          keys,
          log: (level, message, fields) =>
            projectionsLogger[level === 'info' ? 'log' : level](
              fields ? `${message} ${JSON.stringify(fields)}` : message,
            ),
        }),
    },
    ProjectionLifecycle,
  ],
  exports: [PROJECTION_HOST],
})
export class ProjectionsModule {}
