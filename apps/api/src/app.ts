import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { ApiConfig } from './config/api-config';
import { strictJsonBody } from './http/body/json-body';
import { answerClientErrorsAsProblems } from './http/connection/client-errors';
import { DOCS_PATH, securityHeaders } from './http/headers/security-headers';
import { addressRateLimit } from './http/throttling/rate-limits';
import { correlationId } from './logging';

/** Builds the API application (used by main.ts and by the end-to-end tests). */
export async function createApp(config: ApiConfig): Promise<INestApplication> {
  // The strict JSON reader replaces Nest's parsers (docs/architecture.md#http-edge).
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(correlationId(), securityHeaders(), addressRateLimit(app, config.rateLimit), strictJsonBody());
  answerClientErrorsAsProblems(app.getHttpServer());
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('CareTrail API')
    .setDescription('Event-sourced care coordination: care plans, medication, doses, sessions, outcomes.')
    .setVersion('0.1.0')
    .setLicense('UNLICENSED', 'https://caretrail.dev/license')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(DOCS_PATH.slice(1), app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}
