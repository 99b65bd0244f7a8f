import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { AccessAudit } from './access-audit';
import { AccessLogInterceptor } from './access-log.interceptor';
import { AuditController } from './audit.controller';
import { AuditRoutes } from './audit-routes';

/** The access log of every audited route, and the admins' audit views. */
@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [AuditController],
  providers: [AccessAudit, AuditRoutes, { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor }],
  exports: [AccessAudit, AuditRoutes],
})
export class AuditModule {}
