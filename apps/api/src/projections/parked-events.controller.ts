import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiRequest as Request } from '../http/request';
import type { Actor } from '@caretrail/domain';
import type { EventStore } from '@caretrail/event-store';
import {
  ParkedEventSkipped,
  UnknownParkedEvent,
  UnknownProjection,
  type ParkedEvent,
  type ProjectionHost,
  type RetryOutcome,
} from '@caretrail/projections';
import { patientHistory } from '../audit/patient-history';
import { AuditCategory } from '../http/audit/audit-category';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { RequireRole } from '../http/auth/roles.guard';
import { Problem } from '../http/problems/problem';
import { ApiProblems } from '../http/problems/problem.openapi';
import { EVENT_STORE, PROJECTION_HOST } from '../http/tokens';
import { PersonalData } from '../privacy/personal-data';
import {
  ParkedEventDetailDto,
  ParkedEventDto,
  ParkedEventPageDto,
  ParkedEventParams,
  ParkedEventQuery,
  ReadModelParams,
  ParkedListQuery,
  RetryOneOutcomeDto,
  RetryOutcomeDto,
  SkipParkedEventBody,
} from './parked-events.dto';

/** The patient an answer names, for the access record (docs/audit.md): a parked event's patient. */
const patientOfAnswer = (_: Request, result: unknown): string | null =>
  (result as { patientId?: string | null } | undefined)?.patientId ?? null;

/**
 * Events a read model parked (docs/read-models.md, "Parked events"): admins list them, see one with
 * its event as the history view shows it, retry them (the patient's rows are re-derived with the
 * event in) or skip them with a reason. Reads are audited as queries, retries and skips as control.
 */
@AuditCategory('read models', { action: 'query' })
@ApiTags('admin')
@ApiBearerAuth()
@RequireRole('admin')
@ApiProblems(400, 401, 403, 404, 503)
@Controller('admin/projections/:name/parked')
export class ParkedEventsController {
  constructor(
    @Inject(PROJECTION_HOST) private readonly host: ProjectionHost,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The parked and skipped events of the serving generation, in the log’s order.' })
  @ApiOkResponse({ type: ParkedEventPageDto })
  async list(@Param() { name }: ReadModelParams, @Query() query: ParkedListQuery): Promise<ParkedEventPageDto> {
    const limit = query.limit ?? 50;
    const items = await known(() =>
      this.host.parkedEvents(name, { limit, ...(query.after ? { after: query.after } : {}) }),
    );
    return { items: items.map(entryOf), nextAfter: items.length === limit ? items.at(-1)!.position : null };
  }

  @Get(':eventId')
  @AuditCategory('read models', {
    action: 'query',
    patient: patientOfAnswer,
    detail: (request) => (request.query['personalData'] === 'include' ? { personalData: 'included' } : undefined),
  })
  @ApiOperation({ summary: 'One parked event, with the event itself as GET /patients/{id}/history shows it.' })
  @ApiOkResponse({ type: ParkedEventDetailDto })
  async detail(
    @Param() { name, eventId }: ParkedEventParams,
    @Query() query: ParkedEventQuery,
  ): Promise<ParkedEventDetailDto> {
    const parked = await known(() => this.host.parkedEvent(name, eventId));
    const include = query.personalData === 'include';
    const stored = parked.patientId === null ? [] : await this.store.readPatient(parked.patientId);
    // As the history view does: sealed personal data is opened only when asked for (docs/audit.md).
    const history = patientHistory(
      parked.patientId ?? '',
      include ? await this.personalData.open(stored) : stored,
      include,
    );
    const event = history.events.find((e) => e.eventId === eventId) ?? null;
    return { ...entryOf(parked), event: event as Record<string, unknown> | null, personalData: history.personalData };
  }

  @Post('retry')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({
    summary: 'Apply every parked (not skipped) event again: each patient’s rows are re-derived with them in.',
  })
  @ApiAcceptedResponse({ type: RetryOutcomeDto })
  retryAll(@Param() { name }: ReadModelParams, @CurrentPrincipal() actor: Actor): Promise<RetryOutcome> {
    return known(() => this.host.retryParked(name, 'all', actor.userId));
  }

  @Post(':eventId/retry')
  @AuditCategory('read models', { action: 'control', patient: patientOfAnswer })
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Apply one parked event again: its patient’s rows are re-derived with it in, by the process holding their shard.',
  })
  @ApiAcceptedResponse({ type: RetryOneOutcomeDto })
  @ApiProblems(409)
  async retry(
    @Param() { name, eventId }: ParkedEventParams,
    @CurrentPrincipal() actor: Actor,
  ): Promise<RetryOneOutcomeDto> {
    const parked = await known(() => this.host.parkedEvent(name, eventId));
    if (parked.patientId === null)
      throw new Problem(
        409,
        'PARKED_EVENT_WITHOUT_PATIENT',
        'The event’s patient is not known',
        'A retry re-derives the rows of the event’s patient (docs/read-models.md, "Parked events"); this event was ' +
          'parked before its patient was recorded with it. Skip it, or rebuild the read model.',
      );
    const outcome = await known(() => this.host.retryParked(name, eventId, actor.userId));
    return { ...outcome, patientId: parked.patientId };
  }

  @Post(':eventId/skip')
  @AuditCategory('read models', { action: 'control', patient: patientOfAnswer })
  @HttpCode(200)
  @ApiOperation({ summary: 'Leave a parked event unapplied, recording who decided it, when and why.' })
  @ApiOkResponse({ type: ParkedEventDto })
  @ApiProblems(409)
  async skip(
    @Param() { name, eventId }: ParkedEventParams,
    @Body() { reason }: SkipParkedEventBody,
    @CurrentPrincipal() actor: Actor,
  ): Promise<ParkedEventDto> {
    return entryOf(await known(() => this.host.skipParked(name, eventId, actor.userId, reason)));
  }
}

/** A parked event as the API shows it: the skip fields only once it was skipped. */
function entryOf(parked: ParkedEvent): ParkedEventDto {
  const { skippedBy, skippedAt, reason, ...rest } = parked;
  return parked.state === 'skipped' ? { ...rest, skippedBy: skippedBy!, skippedAt: skippedAt!, reason: reason! } : rest;
}

async function known<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UnknownProjection)
      throw new Problem(404, 'UNKNOWN_PROJECTION', 'No such read model', error.message);
    if (error instanceof UnknownParkedEvent)
      throw new Problem(404, 'UNKNOWN_PARKED_EVENT', 'No such parked event', error.message);
    if (error instanceof ParkedEventSkipped)
      throw new Problem(409, 'PARKED_EVENT_SKIPPED', 'The event was skipped', error.message);
    throw error;
  }
}
