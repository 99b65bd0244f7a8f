import { Global, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { SqlEventStore } from '@caretrail/event-store';
import { ProjectionHost, type ProjectionDefinition } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import type { CachingPatientKeyStore } from '@caretrail/security';
import type { ApiConfig } from '../config/api-config';
import { EVENT_STORE, PATIENT_KEYS, API_CONFIG, PROJECTION_HOST } from '../http/tokens';
import { AdminProjectionsController } from './admin-projections.controller';

/** Runs the read models in this process unless RUN_PROJECTIONS=false (then apps/projector does). */
@Injectable()
class ProjectionLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(PROJECTION_HOST) private readonly host: ProjectionHost,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.runProjections) await this.host.start();
  }

  // Before the store closes (onApplicationShutdown): runners hold connections.
  async onModuleDestroy(): Promise<void> {
    await this.host.stop();
  }
}

@Global()
@Module({
  controllers: [AdminProjectionsController],
  providers: [
    {
      provide: PROJECTION_HOST,
      inject: [EVENT_STORE, API_CONFIG, PATIENT_KEYS],
      useFactory: (store: SqlEventStore, config: ApiConfig, keys: CachingPatientKeyStore) =>
        new ProjectionHost(store, readModels as ProjectionDefinition[], {
          poisonPolicy: config.projectionPoisonPolicy,
          keys,
        }),
    },
    ProjectionLifecycle,
  ],
  exports: [PROJECTION_HOST],
})
export class ProjectionsModule {}
