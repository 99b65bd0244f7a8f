import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problems/problem.openapi';
import { RegistryAnswerDto } from './answers.dto';
import { caseReviewQueue, type CaseReviewEntry, type CaseReviewRow } from '@caretrail/read-models';
import { DEFAULT_AS_OF_BASIS, type AsOfBasis } from '@caretrail/analytics';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../http/audit/audit-category';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { RequireRole } from '../http/auth/roles.guard';
import { PatientIdentities, type PatientIdentity } from './patient-identities';
import { PatientTimeTravel } from './patient-time-travel';
import { RegistryQuery } from './query.dto';
import { ReadModelReader } from './read-model-reader';

export interface RegistryAnswer {
  position: number;
  asOf: string;
  /** Only with ?asOf=: which events stood at asOf. */
  asOfBasis?: AsOfBasis;
  total: number;
  limit: number;
  offset: number;
  items: Array<CaseReviewEntry & Pick<PatientIdentity, 'name' | 'erased'>>;
}

type CaseloadRows = { position: number; asOf: string; rows: CaseReviewRow[]; asOfBasis?: AsOfBasis };

/**
 * The measurement-based-care caseload of the calling clinician: the
 * patients on whose care team they are, with the reasons for case review
 * (docs/clinical-rules.md, "Case-review queue": not improving at week 8, no follow-up within 4 weeks, an
 * urgent side effect, PDC below 80 %), most weeks in treatment first.
 */
@ApiTags('registry')
@ApiBearerAuth()
@RequireRole('therapist', 'prescriber', 'primary-care', 'care-manager')
@Controller('registry')
export class RegistryController {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly timeTravel: PatientTimeTravel,
    private readonly identities: PatientIdentities,
  ) {}

  @Get()
  @ApiOkResponse({ type: RegistryAnswerDto })
  @ApiProblems(400, 401, 403, 503)
  // A caseload touches many patients: the ones this page showed are listed in the record.
  @AuditCategory('registry', {
    action: 'query',
    detail: (_, result) => ({
      patientIds: (result as RegistryAnswer | undefined)?.items.map((item) => item.patientId) ?? [],
    }),
  })
  @ApiOperation({
    summary:
      'My caseload with its case-review flags; filter by flag, paginate with limit and offset; with asOf, the queue as it stood then.',
  })
  async caseload(@Query() query: RegistryQuery, @CurrentPrincipal() principal: Actor): Promise<RegistryAnswer> {
    const patientIds = await this.reader.caseloadOf(principal.userId);
    const { position, asOf, rows, asOfBasis } = query.asOf
      ? await this.rowsAsOf(patientIds, principal.userId, query.asOf, query.asOfBasis ?? DEFAULT_AS_OF_BASIS)
      : await this.rowsNow(patientIds, query.minPosition);
    const queue = caseReviewQueue(rows, asOf).filter((entry) => !query.flag || entry.reasons.includes(query.flag));
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const page = queue.slice(offset, offset + limit);
    // Names as they are now, opened for this page only (docs/read-models.md, "Caseload").
    const identities = await this.identities.of(page.map((entry) => entry.patientId));
    return {
      position,
      asOf,
      ...(asOfBasis ? { asOfBasis } : {}),
      total: queue.length,
      limit,
      offset,
      items: page.map((entry) => {
        const identity = identities.get(entry.patientId);
        return { ...entry, name: identity?.name ?? null, erased: identity?.erased ?? false };
      }),
    };
  }

  private async rowsNow(patientIds: string[], minPosition: number | undefined): Promise<CaseloadRows> {
    const checkpoint = await this.reader.reach('registry', minPosition);
    const rows = await this.reader.caseReviewRows(patientIds);
    return { position: checkpoint.position, asOf: new Date().toISOString(), rows };
  }

  /**
   * Time travel of the queue (docs/analytics.md): each patient of the caller's caseload replayed to
   * `asOf`, kept when the caller was on their care team then. Reads the log, not the projections.
   */
  private async rowsAsOf(patientIds: string[], userId: string, asOf: string, basis: AsOfBasis): Promise<CaseloadRows> {
    const replayed = await Promise.all(patientIds.map((id) => this.timeTravel.caseReviewRow(id, asOf, basis)));
    const rows = replayed.flatMap(({ row, careTeam }) => (row && careTeam.includes(userId) ? [row] : []));
    const position = Math.max(0, ...replayed.map((r) => r.position));
    return { position, asOf: new Date(asOf).toISOString(), rows, asOfBasis: basis };
  }
}
