import {
  applyDecorators,
  HttpCode,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiOkResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiProperty } from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../request';
import { map, type Observable } from 'rxjs';
import { ApiProblems } from '../problems/problem.openapi';

/** What every write answers: where its events landed. */
export class WriteResultDto {
  @ApiProperty({ description: 'The stream written to.', example: 'careplan-2f1c…' })
  streamId!: string;
  @ApiProperty({ type: 'integer', description: 'Version of that stream after the write; also the ETag.', example: 4 })
  version!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Global position of the last event written; read models report the position they reflect.',
  })
  position!: number;
  @ApiProperty({ type: [String] })
  eventIds!: string[];
  @ApiProperty({
    required: false,
    description: 'Id of the record the write created (patient, medication, session, ...).',
  })
  id?: string;
}

/** What a write handler hands to the edge: the answer and whether it was replayed from an Idempotency-Key. */
export interface WriteOutcome {
  answer: WriteResultDto;
  replayed: boolean;
}

/** The views of a patient (queries/patient-queries.controller.ts) a write's Location can point to. */
export type PatientView = 'plan' | 'adherence' | 'collaboration' | 'outcomes';

const SHOWN_IN = 'caretrail:writes-shown-in';

/** The patient view where a controller's writes show; a 201's Location points there (default: the plan). */
export const WritesShownIn = (view: PatientView): ClassDecorator & MethodDecorator => SetMetadata(SHOWN_IN, view);

/**
 * Shapes every write's answer: the body, `ETag` (the stream version, for the
 * next If-Match), `Idempotent-Replayed` and, on a 201, `Location`: the view
 * that shows the write, with `minPosition` so reading it waits for the read
 * model to reflect it (docs/architecture.md, "Write side").
 */
@Injectable()
class WriteAnswerInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler<WriteOutcome>): Observable<WriteResultDto> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const view =
      this.reflector.getAllAndOverride<PatientView | undefined>(SHOWN_IN, [context.getHandler(), context.getClass()]) ??
      'plan';
    return next.handle().pipe(
      map(({ answer, replayed }) => {
        void response.header('ETag', `"${answer.version}"`);
        if (replayed) void response.header('Idempotent-Replayed', 'true');
        const patientId = (request.params as Record<string, string | undefined>)['patientId'] ?? answer.id;
        if (response.statusCode === 201 && patientId !== undefined) {
          void response.header(
            'Location',
            `/patients/${encodeURIComponent(patientId)}/${view}?minPosition=${answer.position}`,
          );
        }
        return answer;
      }),
    );
  }
}

const ETAG_HEADER = {
  description: 'The stream version after the write: send it as If-Match to write only if nothing changed.',
  schema: { type: 'string' },
};

/**
 * One decorator per write endpoint: the status, the OpenAPI description of the
 * answer, its headers and problems, and the interceptor that sets them. The
 * handler takes its path and body, a `@WriteContext()`, and returns what
 * `CareCommands.send` returned.
 */
export const CareWrite = (summary: string, { status = 201 }: { status?: 200 | 201 } = {}): MethodDecorator =>
  applyDecorators(
    HttpCode(status),
    ApiOperation({ summary }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'A version this API returned (ETag): write only if the stream is still at it, else 412.',
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'A retry with the same key returns the first answer without writing again.',
    }),
    status === 201
      ? ApiCreatedResponse({
          type: WriteResultDto,
          description: 'Recorded.',
          headers: {
            ETag: ETAG_HEADER,
            Location: {
              description: 'The patient view that shows the write, waiting for its position.',
              schema: { type: 'string' },
            },
          },
        })
      : ApiOkResponse({ type: WriteResultDto, description: 'Recorded.', headers: { ETag: ETAG_HEADER } }),
    ApiProblems(400, 401, 403, 404, 409, 412, 422, 503),
    UseInterceptors(WriteAnswerInterceptor),
  );
