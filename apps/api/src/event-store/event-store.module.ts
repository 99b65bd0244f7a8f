import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openEventStore, type EventStore, type SqlEventStore } from '@caretrail/event-store';
import { API_CONFIG } from '../tokens';
import type { ApiConfig } from '../config';

/** The event store port (EventStore): what every caller of the log depends on. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/**
 * The SqlDatabase beside it, for what keeps SQL tables of its own: read
 * models, checkpoints, the access log, patients' keys (docs/architecture.md).
 */
export const SQL_DATABASE = Symbol('SQL_DATABASE');

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
      inject: [API_CONFIG],
      useFactory: (config: ApiConfig) => openEventStore(config.store),
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
