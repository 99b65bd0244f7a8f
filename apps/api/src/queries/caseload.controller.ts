import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply as Response } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  caseReviewQueue,
  currentPlanView,
  emptyCurrentPlanDoc,
  registryView,
  type CaseReviewRow,
  type CurrentPlanDoc,
} from '@caretrail/read-models';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../http/audit/audit-category';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { RequireRole } from '../http/auth/roles.guard';
import { ApiProblems } from '../http/problems/problem.openapi';
import { PatientParams } from '../http/validation/decorators';
import { CaseloadAnswerDto, CaseloadQuery, PatientSummaryAnswerDto } from './caseload.dto';
import { PatientAccess } from './patient-access';
import { nameMatches, PatientIdentities, type PatientIdentity } from './patient-identities';
import { ReadModelReader } from './read-model-reader';

export interface CaseloadEntry {
  patientId: string;
  name: PatientIdentity['name'];
  erased: boolean;
  enrolledAt: string | null;
  track: string | null;
  weeksInTreatment: number | null;
  flags: string[];
}

export interface CaseloadAnswer {
  position: number;
  asOf: string;
  total: number;
  limit: number;
  offset: number;
  items: CaseloadEntry[];
}

/** Family name, then given name, then id: the order a clinic's list is read in; erased patients last. */
const byName = (a: CaseloadEntry, b: CaseloadEntry): number =>
  (a.name?.family ?? '\uffff').localeCompare(b.name?.family ?? '\uffff') ||
  (a.name?.given ?? '').localeCompare(b.name?.given ?? '') ||
  a.patientId.localeCompare(b.patientId);

/**
 * The caseload by name (docs/read-models.md, "Caseload"): the patients on the
 * caller's care teams, whose names are opened from the log under each
 * patient's key for the answer only.
 */
@ApiTags('patients')
@ApiBearerAuth()
@Controller('patients')
export class CaseloadController {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly identities: PatientIdentities,
    private readonly access: PatientAccess,
  ) {}

  @Get()
  @RequireRole('therapist', 'prescriber', 'primary-care', 'care-manager')
  @ApiOkResponse({ type: CaseloadAnswerDto })
  @ApiProblems(400, 401, 403, 503)
  // A list touches many patients: the ones this page showed are listed in the record.
  @AuditCategory('personal data', {
    action: 'query',
    detail: (_, result) => ({
      patientIds: (result as CaseloadAnswer | undefined)?.items.map((item) => item.patientId) ?? [],
    }),
  })
  @ApiOperation({
    summary:
      'My patients (the care teams I am on) by name, with track, weeks in treatment and case-review flags; search by name, page with limit and offset.',
  })
  async caseload(@Query() query: CaseloadQuery, @CurrentPrincipal() principal: Actor): Promise<CaseloadAnswer> {
    const patientIds = await this.reader.caseloadOf(principal.userId);
    const checkpoint = await this.reader.reach('registry', query.minPosition);
    const asOf = new Date().toISOString();
    const [identities, plans, rows] = await Promise.all([
      this.identities.of(patientIds),
      this.reader.patientRows<CurrentPlanDoc>('current-plan', patientIds),
      this.reader.caseReviewRows(patientIds),
    ]);
    const entries = this.entries(patientIds, identities, plans, rows, asOf)
      .filter((entry) => nameMatches(identities.get(entry.patientId), query.name))
      .sort(byName);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    return {
      position: checkpoint.position,
      asOf,
      total: entries.length,
      limit,
      offset,
      items: entries.slice(offset, offset + limit),
    };
  }

  @Get(':patientId')
  @AuditCategory('personal data')
  @ApiOkResponse({ type: PatientSummaryAnswerDto })
  @ApiProblems(400, 401, 403, 503)
  @ApiOperation({
    summary:
      'One patient: name, contact, time zone, enrolment, and a summary of plan, team, medications, scores and flags.',
  })
  async patient(
    @Param() { patientId }: PatientParams,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CaseloadEntry & Record<string, unknown>> {
    const carePlanVersion = await this.access.assertMayRead(patientId, principal);
    const checkpoint = await this.reader.reach('current-plan');
    const asOf = new Date().toISOString();
    const [identities, plans, rows] = await Promise.all([
      this.identities.of([patientId]),
      this.reader.patientRows<CurrentPlanDoc>('current-plan', [patientId]),
      this.reader.caseReviewRows([patientId]),
    ]);
    const [entry] = this.entries([patientId], identities, plans, rows, asOf);
    const identity = identities.get(patientId)!;
    const plan = currentPlanView(plans.get(patientId) ?? emptyCurrentPlanDoc(patientId), asOf);
    const registry = rows[0] ? registryView(rows[0].registry, asOf) : null;
    void response.header('ETag', `"${carePlanVersion}"`);
    void response.header('Cache-Control', 'no-store');
    return {
      ...entry!,
      position: checkpoint.position,
      asOf,
      contact: identity.contact,
      timeZone: identity.timeZone,
      summary: {
        carePlan: plan.carePlan,
        careTeam: plan.careTeam,
        medications: plan.medications.map((m) => ({
          medicationId: m.medicationId,
          drug: m.drug,
          strength: m.strength,
          schedule: m.schedule,
        })),
        phq9: registry?.phq9 ?? null,
        gad7: registry?.gad7 ?? null,
        daysSinceLastPhq9: registry?.daysSinceLastPhq9 ?? null,
      },
    };
  }

  private entries(
    patientIds: readonly string[],
    identities: Map<string, PatientIdentity>,
    plans: Map<string, CurrentPlanDoc>,
    rows: readonly CaseReviewRow[],
    asOf: string,
  ): CaseloadEntry[] {
    const flagged = new Map(caseReviewQueue(rows, asOf).map((entry) => [entry.patientId, entry.reasons]));
    const registries = new Map(rows.map((row) => [row.registry.patientId, registryView(row.registry, asOf)]));
    return patientIds.map((patientId) => {
      const identity = identities.get(patientId);
      return {
        patientId,
        name: identity?.name ?? null,
        erased: identity?.erased ?? false,
        enrolledAt: identity?.enrolledAt ?? null,
        track: plans.get(patientId)?.plan.carePlan?.track ?? null,
        weeksInTreatment: registries.get(patientId)?.weeksInTreatment ?? null,
        flags: flagged.get(patientId) ?? [],
      };
    });
  }
}
