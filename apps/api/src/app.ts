import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { ApiConfig } from './config/api-config';
import { MAX_BODY_BYTES, readStrictJsonBodies } from './http/body/json-body';
import { answerClientError, answerFrameworkError } from './http/connection/client-errors';
import { DOCS_PATH, securityHeaders } from './http/headers/security-headers';
import { addressRateLimit } from './http/throttling/rate-limits';
import { consoleShell } from './console/console-shell';
import { correlationId, correlationIdFor } from './logging';
import { ApiMetrics } from './metrics/api-metrics';
import { timeRequests, traceRequests } from './metrics/request-observation';

const API_DESCRIPTION = [
  'Event-sourced care coordination: care plans, medication, doses, sessions, outcomes.',
  '',
  '**Getting a token.** Every endpoint needs a bearer token. On the embedded store, sign one on the command line',
  '(it works while the server runs): `npm run -s cli -- token --user dr-theo --role therapist`.',
  'Press **Authorize**, paste the printed token, and it is kept across reloads of this page.',
  'Roles: therapist, prescriber, primary-care, care-manager, patient (`--user` is then the patient id), admin, analyst.',
  'The README\'s "Try it: a week of care" gives every step with its body.',
].join('\n');

/** Sections in the order of a clinic's work (docs/architecture.md, "HTTP edge"), then operations. */
const TAGS_IN_ORDER_OF_WORK: ReadonlyArray<[string, string]> = [
  ['patients', 'Your caseload by name, and one patient with a summary.'],
  ['care plan', 'Start and review the care plan; the care team; goals; holistic context.'],
  ['therapy', 'Psychotherapy: modality and frequency.'],
  ['medication', 'Prescribe, adjust and discontinue medication.'],
  ['doses', 'Doses taken and missed.'],
  ['sessions', 'Schedule sessions and record attendance.'],
  ['safety', 'Side effects: report, review, resolve.'],
  ['outcomes', 'PHQ-9 and GAD-7.'],
  ['collaboration', 'Consultations, notes and case reviews between providers.'],
  ['corrections', 'Correct an entry or mark it entered in error.'],
  ['patient views', 'The plan, adherence, collaboration and outcomes of one patient.'],
  ['registry', 'The case-review queue of your caseload.'],
  ['reports', 'De-identified reports for analysts.'],
  ['admin', 'Operating the server: read models, integrity, seed, replays, erasure.'],
  ['audit', 'The access log and patient histories.'],
  ['fhir', 'The record as FHIR R4.'],
  ['integration', 'Kafka relay and the AsyncAPI document.'],
  ['health', 'Liveness and readiness.'],
];

/** Builds the API application (used by main.ts and by the end-to-end tests). */
export async function createApp(config: ApiConfig): Promise<INestApplication> {
  // Fastify, measured beside Express (docs/performance.md, "Express or Fastify"); the HTTP edge is
  // described in docs/architecture.md#http-edge.
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    genReqId: correlationIdFor,
    bodyLimit: MAX_BODY_BYTES,
    // Ids are checked by the routes' validation, which names the field (and the access log records the
    // attempt), not refused while routing; Node's 16 KiB limit on the request line bounds them.
    maxParamLength: 16 * 1024,
    // A trailing slash names the same route: /patients/ is /patients.
    ignoreTrailingSlash: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // The API's own request logs (pino-http) stand in for Fastify's.
    disableRequestLogging: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  // The strict JSON reader replaces Fastify's parsers.
  readStrictJsonBodies(fastify);
  timeRequests(fastify, app.get(ApiMetrics));
  traceRequests(fastify);
  // Middleware runs before routing and before the body is read.
  app.use(correlationId());
  app.use(securityHeaders(config.console.connectOrigins));
  app.use(addressRateLimit(app, config.rateLimit));
  app.use(consoleShell(config));
  app.enableShutdownHooks();
  const documented = new DocumentBuilder()
    .setTitle('CareTrail API')
    .setDescription(API_DESCRIPTION)
    .setVersion('0.1.0')
    .setLicense('UNLICENSED', 'https://caretrail.dev/license')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth();
  for (const [tag, description] of TAGS_IN_ORDER_OF_WORK) documented.addTag(tag, description);
  const openApi = documented.build();
  SwaggerModule.setup(DOCS_PATH.slice(1), app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'docs-json',
    // The token pasted into Authorize survives a reload of the page (it stays in this browser's storage).
    swaggerOptions: { persistAuthorization: true },
  });
  // Every route and hook is in place: Fastify may now answer (tests send requests without listening).
  await app.init();
  await fastify.ready();
  return app;
}
