/**
 * One HTTP adapter under load, for the adapter benchmark (test/bench/http-adapter.bench.ts,
 * docs/performance.md "Express or Fastify"):
 * a Nest application on Express or on Fastify with the API's own dose-taken route shape, the
 * API's validation pipe and the API's DTO classes, answering 201 with a body the size of a
 * write outcome. Both read bodies with the API's strict JSON reader: on Express as
 * middleware, on Fastify as the API's own content-type parser. There is no store behind it: what
 * differs between the two runs is the adapter alone (routing, reading the body, writing the
 * answer).
 *
 *   node test/bench/support/run-ts.cjs apps/api/bench/adapter-probe.ts express|fastify PORT
 *
 * It listens until SIGTERM, then prints its request count.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { APP_PIPE, NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { RecordDoseTakenDto } from '../src/patients/doses/doses.dto';
import { PatientParams } from '../src/http/validation/decorators';
import { validationPipe } from '../src/http/validation/validation-pipe';
import { raw, type NextFunction, type Request, type Response } from 'express';
import { MAX_BODY_BYTES, parseStrictJson, readStrictJsonBodies } from '../src/http/body/json-body';

const ADAPTERS = ['express', 'fastify'];

let answered = 0;

@Controller('patients')
class DoseProbeController {
  @Post(':patientId/doses/taken')
  @HttpCode(201)
  taken(@Param() { patientId }: PatientParams, @Body() body: RecordDoseTakenDto): Record<string, unknown> {
    answered++;
    // The shape of a write outcome: ids, the stream version and the global position.
    return {
      id: body.medicationId,
      eventId: randomUUID(),
      streamId: `dose-${patientId}`,
      streamVersion: answered,
      position: String(answered),
    };
  }
}

@Module({ controllers: [DoseProbeController], providers: [{ provide: APP_PIPE, useFactory: validationPipe }] })
class ProbeModule {}

export async function main([adapter = '', port = '']: string[]): Promise<{ adapter: string; answered: number }> {
  if (!ADAPTERS.includes(adapter)) throw new Error(`adapter must be one of ${ADAPTERS.join(', ')}`);
  const app = adapter === 'fastify' ? await fastifyApp() : await expressApp();
  await app.listen(Number(port), '127.0.0.1');
  process.stderr.write(`listening on ${port}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await app.close();
  return { adapter, answered };
}

async function expressApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ProbeModule, new ExpressAdapter(), {
    logger: false,
    bodyParser: false,
  });
  // The same strict reader as the API's, as Express middleware.
  const readRaw = raw({ type: () => true, limit: MAX_BODY_BYTES });
  app.use((request: Request, response: Response, next: NextFunction) =>
    readRaw(request, response, (error?: unknown) => {
      if (error) return next(error);
      try {
        request.body = parseStrictJson(request.body as Buffer);
        next();
      } catch (problem) {
        next(problem);
      }
    }),
  );
  return app;
}

async function fastifyApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), {
    logger: false,
    bodyParser: false,
  });
  readStrictJsonBodies(app.getHttpAdapter().getInstance());
  return app;
}
