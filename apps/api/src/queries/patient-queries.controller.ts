import { applyDecorators, Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply as Response } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problems/problem.openapi';
import { PatientViewAnswerDto } from './answers.dto';
import {
  adherenceView,
  collaborationView,
  currentPlanView,
  emptyAdherenceDoc,
  emptyCollaborationDoc,
  emptyCurrentPlanDoc,
  emptyRegistryDoc,
  registryView,
  type AdherenceDoc,
  type CollaborationDoc,
  type CurrentPlanDoc,
  type RegistryDoc,
} from '@caretrail/read-models';
import type { PatientViewName } from '@caretrail/analytics';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../http/audit/audit-category';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { PatientParams } from '../http/validation/decorators';
import { PatientAccess } from './patient-access';
import { PatientTimeTravel, type TimeTravelAnswer } from './patient-time-travel';
import { PatientReadQuery } from './query.dto';
import { ReadModelReader, type ReadModelName } from './read-model-reader';

export interface ReadAnswer<View> {
  patientId: string;
  /** The global position of the last event the read model had applied. */
  position: number;
  asOf: string;
  data: View;
}

const VIEW_OF_MODEL: Record<ReadModelName, PatientViewName> = {
  'current-plan': 'plan',
  adherence: 'adherence',
  collaboration: 'collaboration',
  registry: 'outcomes',
};

/** What every patient view answers, and how it can fail. */
const ViewAnswer = (): MethodDecorator =>
  applyDecorators(
    ApiOkResponse({
      type: PatientViewAnswerDto,
      headers: {
        ETag: {
          description: "The care plan's version: If-Match for writes to the care plan.",
          schema: { type: 'string' },
        },
      },
    }),
    ApiProblems(400, 401, 403, 503),
  );

/** The read models of one patient, for the patient and their care team; `?asOf=` travels back in time. */
@ApiTags('patient views')
@ApiBearerAuth()
@Controller('patients/:patientId')
export class PatientQueriesController {
  constructor(
    private readonly access: PatientAccess,
    private readonly reader: ReadModelReader,
    private readonly timeTravel: PatientTimeTravel,
  ) {}

  @Get('plan')
  @AuditCategory('care plan')
  @ViewAnswer()
  @ApiOperation({
    summary:
      'The plan now: track, team, goals, medications and dose schedules, therapy, upcoming sessions, context, last review.',
  })
  plan(
    @Param() { patientId }: PatientParams,
    @Query() query: PatientReadQuery,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReadAnswer<unknown> | TimeTravelAnswer> {
    return this.answer(
      response,
      'current-plan',
      patientId,
      query,
      principal,
      (doc: CurrentPlanDoc, asOf) => currentPlanView(doc, asOf),
      emptyCurrentPlanDoc,
    );
  }

  @Get('adherence')
  @AuditCategory('adherence')
  @ViewAnswer()
  @ApiOperation({ summary: 'PDC over 30 and 90 days per medication, dose counts, session attendance.' })
  adherence(
    @Param() { patientId }: PatientParams,
    @Query() query: PatientReadQuery,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReadAnswer<unknown> | TimeTravelAnswer> {
    return this.answer(
      response,
      'adherence',
      patientId,
      query,
      principal,
      (doc: AdherenceDoc, asOf) => adherenceView(doc, asOf),
      emptyAdherenceDoc,
    );
  }

  @Get('collaboration')
  @AuditCategory('collaboration')
  @ViewAnswer()
  @ApiOperation({
    summary: 'Open consultations, response latency, unreviewed and urgent side effects, last contact, case reviews.',
  })
  collaboration(
    @Param() { patientId }: PatientParams,
    @Query() query: PatientReadQuery,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReadAnswer<unknown> | TimeTravelAnswer> {
    return this.answer(
      response,
      'collaboration',
      patientId,
      query,
      principal,
      (doc: CollaborationDoc, asOf) => collaborationView(doc, asOf),
      emptyCollaborationDoc,
    );
  }

  @Get('outcomes')
  @AuditCategory('outcomes')
  @ViewAnswer()
  @ApiOperation({
    summary: 'Baseline and latest PHQ-9 / GAD-7, weeks in treatment, response, remission and follow-up flags.',
  })
  outcomes(
    @Param() { patientId }: PatientParams,
    @Query() query: PatientReadQuery,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReadAnswer<unknown> | TimeTravelAnswer> {
    return this.answer(
      response,
      'registry',
      patientId,
      query,
      principal,
      (doc: RegistryDoc, asOf) => registryView(doc, asOf),
      emptyRegistryDoc,
    );
  }

  private async answer<Doc, View>(
    response: Response,
    model: ReadModelName,
    patientId: string,
    query: PatientReadQuery,
    principal: Actor,
    view: (doc: Doc, asOf: string) => View,
    empty: (patientId: string) => Doc,
  ): Promise<ReadAnswer<View> | TimeTravelAnswer> {
    // Who may read is decided now, from the care team as it is today, whatever instant is asked for.
    const carePlanVersion = await this.access.assertMayRead(patientId, principal);
    if (query.asOf !== undefined)
      return this.timeTravel.view(VIEW_OF_MODEL[model], patientId, query.asOf, query.asOfBasis);
    const { doc, position } = await this.reader.patientRow<Doc>(model, patientId, query.minPosition);
    const asOf = new Date().toISOString();
    // What a client that did not write sends as If-Match to change the plan (docs/architecture.md, "Read side").
    void response.header('ETag', `"${carePlanVersion}"`);
    // Patient data is never kept by caches; the ETag is a write precondition, not a cache validator.
    void response.header('Cache-Control', 'no-store');
    // An enrolled patient with nothing of this kind recorded yet has an empty view, not a 404.
    return { patientId, position, asOf, data: view(doc ?? empty(patientId), asOf) };
  }
}
