import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { loggingOptions } from './logging';
import { ProblemDetailsFilter } from './http/problems/problem-details.filter';
import { validationPipe } from './http/validation/validation-pipe';
import { LoggerModule } from 'nestjs-pino';
import { logDestination } from './log-destination';
import type { ApiConfig } from './config/api-config';
import { AdminTasksModule } from './admin-tasks/admin-tasks.module';
import { ReportsModule } from './reports/reports.module';
import { EventStoreModule } from './event-store/event-store.module';
import { FhirModule } from './fhir/fhir.module';
import { AuditModule } from './audit/audit.module';
import { ConsoleModule } from './console/console.module';
import { AuthModule } from './http/auth/auth.module';
import { HealthModule } from './health/health.module';
import { IntegrityModule } from './integrity/integrity.module';
import { IntegrationModule } from './integration/integration.module';
import { MetricsModule } from './metrics/metrics.module';
import { PatientsModule } from './patients/patients.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ProjectionsModule } from './projections/projections.module';
import { QueriesModule } from './queries/queries.module';
import { API_CONFIG } from './http/tokens';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({ pinoHttp: [loggingOptions(config), logDestination()] }),
        MetricsModule,
        EventStoreModule,
        PrivacyModule,
        AuthModule,
        AuditModule,
        HealthModule,
        PatientsModule,
        ProjectionsModule,
        QueriesModule,
        IntegrityModule,
        IntegrationModule,
        AdminTasksModule,
        ReportsModule,
        FhirModule,
        ConsoleModule,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
      ],
      exports: [API_CONFIG],
    };
  }
}
