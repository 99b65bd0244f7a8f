import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openEventStore, type EventStore, type SqlEventStore } from '@caretrail/event-store';
import { registerPoolMetrics } from '@caretrail/observability';
import { API_CONFIG, EVENT_STORE, SQL_DATABASE } from '../http/tokens';
import { ApiMetrics } from '../metrics/api-metrics';
import type { ApiConfig } from '../config/api-config';

@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Opens the configured event store once per process and closes it on shutdown. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [API_CONFIG, ApiMetrics],
      useFactory: async (config: ApiConfig, metrics: ApiMetrics) => {
        const store = await openEventStore(config.store);
        store.observe(metrics.eventStore);
        registerPoolMetrics(metrics.registry, store.database);
        return store;
      },
    },
    {
      provide: SQL_DATABASE,
      inject: [EVENT_STORE],
      useFactory: (store: SqlEventStore) => store.database,
    },
    EventStoreCloser,
  ],
  exports: [EVENT_STORE, SQL_DATABASE],
})
export class EventStoreModule {}
