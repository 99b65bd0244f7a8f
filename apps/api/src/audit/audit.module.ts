import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { AccessAudit } from './access-audit';
import { AccessObserverInterceptor } from '../http/audit/access-observer.interceptor';
import { ACCESS_OBSERVER } from '../http/tokens';
import { AccessLogObserver } from './access-log.observer';
import { AuditController } from './audit.controller';
import { AuditRoutes } from './audit-routes';

/** The access log of every audited route, and the admins' audit views. */
@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [AuditController],
  providers: [
    AccessAudit,
    AuditRoutes,
    { provide: ACCESS_OBSERVER, useClass: AccessLogObserver },
    { provide: APP_INTERCEPTOR, useClass: AccessObserverInterceptor },
  ],
  exports: [AccessAudit, AuditRoutes, ACCESS_OBSERVER],
})
export class AuditModule {}
