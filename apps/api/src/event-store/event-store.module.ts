import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openEventStore, type SqlEventStore } from '@caretrail/event-store';
import { API_CONFIG, EVENT_STORE } from '../http/tokens';
import type { ApiConfig } from '../config/api-config';

@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: SqlEventStore) {}

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
    EventStoreCloser,
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule {}
