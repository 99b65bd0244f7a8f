import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problems/problem.openapi';
import { RegistryAnswerDto } from './answers.dto';
import {
  caseReviewQueue,
  type AdherenceDoc,
  type CaseReviewEntry,
  type CollaborationDoc,
  type RegistryDoc,
} from '@caretrail/read-models';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../http/audit/audit-category';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { RequireRole } from '../http/auth/roles.guard';
import { RegistryQuery } from './query.dto';
import { ReadModelReader } from './read-model-reader';

export interface RegistryAnswer {
  position: number;
  asOf: string;
  total: number;
  limit: number;
  offset: number;
  items: CaseReviewEntry[];
}

/**
 * The measurement-based-care caseload of the calling clinician: the
 * patients on whose care team they are, with the reasons for case review
 * (DOMAIN.md: not improving at week 8, no follow-up within 4 weeks, an
 * urgent side effect, PDC below 80 %), most weeks in treatment first.
 */
@ApiTags('registry')
@ApiBearerAuth()
@RequireRole('therapist', 'prescriber', 'primary-care', 'care-manager')
@Controller('registry')
export class RegistryController {
  constructor(private readonly reader: ReadModelReader) {}

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
  @ApiOperation({ summary: 'My caseload with its case-review flags; filter by flag, paginate with limit and offset.' })
  async caseload(@Query() query: RegistryQuery, @CurrentPrincipal() principal: Actor): Promise<RegistryAnswer> {
    const checkpoint = await this.reader.reach('registry', query.minPosition);
    const patientIds = await this.reader.caseloadOf(principal.userId);
    const [registry, adherence, collaboration] = await Promise.all([
      this.reader.patientRows<RegistryDoc>('registry', patientIds),
      this.reader.patientRows<AdherenceDoc>('adherence', patientIds),
      this.reader.patientRows<CollaborationDoc>('collaboration', patientIds),
    ]);
    const asOf = new Date().toISOString();
    const rows = patientIds.flatMap((id) => {
      const doc = registry.get(id);
      return doc
        ? [{ registry: doc, adherence: adherence.get(id) ?? null, collaboration: collaboration.get(id) ?? null }]
        : [];
    });
    const queue = caseReviewQueue(rows, asOf).filter((entry) => !query.flag || entry.reasons.includes(query.flag));
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    return {
      position: checkpoint.position,
      asOf,
      total: queue.length,
      limit,
      offset,
      items: queue.slice(offset, offset + limit),
    };
  }
}
