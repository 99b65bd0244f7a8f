import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { ApiConfig } from './config/api-config';

/** Builds the API application (used by main.ts and by the end-to-end tests). */
export async function createApp(config: ApiConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('CareTrail API')
    .setDescription('Event-sourced care coordination: care plans, medication, doses, sessions, outcomes.')
    .setVersion('0.1.0')
    .setLicense('UNLICENSED', 'https://caretrail.dev/license')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}
