import { Global, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { SqlEventStore } from '@caretrail/event-store';
import { ProjectionHost, type ProjectionDefinition } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import type { ApiConfig } from '../config';
import { EVENT_STORE } from '../event-store/event-store.module';
import { API_CONFIG } from '../tokens';
import { AdminProjectionsController } from './admin-projections.controller';

import { PROJECTION_HOST } from './projection-host.token';

export { PROJECTION_HOST };

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
      inject: [EVENT_STORE, API_CONFIG],
      useFactory: (store: SqlEventStore, config: ApiConfig) =>
        new ProjectionHost(store, readModels as ProjectionDefinition[], { poisonPolicy: config.projectionPoisonPolicy }),
    },
    ProjectionLifecycle,
  ],
  exports: [PROJECTION_HOST],
})
export class ProjectionsModule {}
