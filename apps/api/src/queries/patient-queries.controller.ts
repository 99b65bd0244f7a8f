import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { AuditCategory } from '../audit/audit-category';
import { CurrentPrincipal } from '../auth/auth.guard';
import { PatientParams } from '../patients/validation';
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
  @ApiOperation({
    summary:
      'The plan now: track, team, goals, medications and dose schedules, therapy, upcoming sessions, context, last review.',
  })
  plan(
    @Param() { patientId }: PatientParams,
    @Query() query: PatientReadQuery,
    @CurrentPrincipal() principal: Actor,
  ): Promise<ReadAnswer<unknown> | TimeTravelAnswer> {
    return this.answer(
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
  @ApiOperation({ summary: 'PDC over 30 and 90 days per medication, dose counts, session attendance.' })
  adherence(
    @Param() { patientId }: PatientParams,
    @Query() query: PatientReadQuery,
    @CurrentPrincipal() principal: Actor,
  ): Promise<ReadAnswer<unknown> | TimeTravelAnswer> {
    return this.answer(
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
  @ApiOperation({
    summary: 'Open consultations, response latency, unreviewed and urgent side effects, last contact, case reviews.',
  })
  collaboration(
    @Param() { patientId }: PatientParams,
    @Query() query: PatientReadQuery,
    @CurrentPrincipal() principal: Actor,
  ): Promise<ReadAnswer<unknown> | TimeTravelAnswer> {
    return this.answer(
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
  @ApiOperation({
    summary: 'Baseline and latest PHQ-9 / GAD-7, weeks in treatment, response, remission and follow-up flags.',
  })
  outcomes(
    @Param() { patientId }: PatientParams,
    @Query() query: PatientReadQuery,
    @CurrentPrincipal() principal: Actor,
  ): Promise<ReadAnswer<unknown> | TimeTravelAnswer> {
    return this.answer(
      'registry',
      patientId,
      query,
      principal,
      (doc: RegistryDoc, asOf) => registryView(doc, asOf),
      emptyRegistryDoc,
    );
  }

  private async answer<Doc, View>(
    model: ReadModelName,
    patientId: string,
    query: PatientReadQuery,
    principal: Actor,
    view: (doc: Doc, asOf: string) => View,
    empty: (patientId: string) => Doc,
  ): Promise<ReadAnswer<View> | TimeTravelAnswer> {
    // Who may read is decided now, from the care team as it is today, whatever instant is asked for.
    await this.access.assertMayRead(patientId, principal);
    if (query.asOf !== undefined)
      return this.timeTravel.view(VIEW_OF_MODEL[model], patientId, query.asOf, query.asOfBasis);
    const { doc, position } = await this.reader.patientRow<Doc>(model, patientId, query.minPosition);
    const asOf = new Date().toISOString();
    // An enrolled patient with nothing of this kind recorded yet has an empty view, not a 404.
    return { patientId, position, asOf, data: view(doc ?? empty(patientId), asOf) };
  }
}
