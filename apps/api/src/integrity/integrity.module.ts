import { Global, Module } from '@nestjs/common';
import { IntegrityController } from './integrity.controller';
import { IntegrityMonitor } from './integrity-monitor';

/** Global: the write path (commands) and `/health` use the one monitor of this process. */
@Global()
@Module({ controllers: [IntegrityController], providers: [IntegrityMonitor], exports: [IntegrityMonitor] })
export class IntegrityModule {}
