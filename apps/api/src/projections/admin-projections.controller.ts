import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiProblems } from '../http/problems/problem.openapi';
import { ReadModelParams } from './parked-events.dto';
import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import { relayShardsStatus } from '@caretrail/integration';
import { UnknownProjection, type ProjectionHost, type ProjectionStatus } from '@caretrail/projections';
import { AuditCategory } from '../http/audit/audit-category';
import { RequireRole } from '../http/auth/roles.guard';
import { Problem } from '../http/problems/problem';
import { EVENT_STORE, PROJECTION_HOST, SQL_DATABASE } from '../http/tokens';

/** A read model's status, or the Kafka relay's (it shares the log by shards the same way). */
export type WorkStatus = ProjectionStatus & { kind: 'read-model' | 'relay' };

const CHECKPOINT: SchemaObject = {
  type: 'object',
  required: ['transactionId', 'position'],
  properties: { transactionId: { type: 'string' }, position: { type: 'integer' } },
};

const SHARD: SchemaObject = {
  type: 'object',
  required: ['shard', 'owner', 'leaseExpiresAt', 'state', 'checkpoint', 'lagEvents'],
  properties: {
    shard: { type: 'integer', description: 'Patients are in shard FNV-1a(patient id) mod the shard count.' },
    owner: { type: 'string', nullable: true, description: 'The holding process (host/pid/tail); null when none.' },
    leaseExpiresAt: { type: 'string', format: 'date-time' },
    state: { type: 'string', description: 'What the holder last reported; unassigned while no process holds it.' },
    checkpoint: CHECKPOINT,
    lagEvents: {
      type: 'integer',
      description:
        'Events after the shard’s checkpoint in the global order, estimated (head minus checkpoint position).',
    },
    lagSeconds: { type: 'number', description: 'Age of the oldest event the shard has still to read past.' },
    eventsPerSecond: { type: 'number' },
    lastError: { type: 'object', nullable: true, additionalProperties: true },
    byPatient: {
      type: 'object',
      nullable: true,
      required: ['head', 'patients', 'patientsDone'],
      description:
        'While a new generation’s shard folds its patients’ histories up to a head (docs/read-models.md, ' +
        '“How a rebuild proceeds”): its checkpoint stays at the start of the log, and its lag and the ' +
        'rebuild’s progress count the share of its patients done. Null otherwise.',
      properties: { head: CHECKPOINT, patients: { type: 'integer' }, patientsDone: { type: 'integer' } },
    },
  },
};

const PAUSED: SchemaObject = {
  type: 'object',
  required: ['name', 'paused'],
  properties: { name: { type: 'string' }, paused: { type: 'boolean' } },
};

/** Admins inspect, pause, resume and rebuild read models; they never touch history. */
@AuditCategory('read models')
@ApiTags('admin')
@ApiBearerAuth()
@RequireRole('admin')
@ApiProblems(400, 401, 403, 404, 503)
@Controller('admin/projections')
export class AdminProjectionsController {
  constructor(
    @Inject(PROJECTION_HOST) private readonly host: ProjectionHost,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly sql: SqlDatabase,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Status of every read model and of the Kafka relay: state, checkpoint, head, lag, rate, last error, ' +
      'rebuild progress, and which process holds which shard with its checkpoint and lag.',
  })
  @ApiOkResponse({
    schema: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'kind',
          'name',
          'version',
          'state',
          'generation',
          'headPosition',
          'lagEvents',
          'lagSeconds',
          'shardCount',
          'shards',
        ],
        properties: {
          kind: { type: 'string', enum: ['read-model', 'relay'] },
          name: { type: 'string' },
          version: { type: 'integer' },
          state: { type: 'string' },
          generation: { type: 'integer' },
          checkpoint: { type: 'object', additionalProperties: true },
          headPosition: { type: 'integer' },
          lagEvents: { type: 'integer' },
          lagSeconds: { type: 'number' },
          eventsPerSecond: { type: 'number' },
          lastError: { type: 'object', nullable: true, additionalProperties: true },
          rebuild: {
            type: 'object',
            nullable: true,
            additionalProperties: true,
            properties: {
              generation: { type: 'integer' },
              progress: { type: 'number' },
              etaSeconds: {
                type: 'integer',
                nullable: true,
                description: 'Seconds left at the rate the rebuild measures; null until it has one.',
              },
              shardCount: { type: 'integer' },
              shards: { type: 'array', items: SHARD },
            },
          },
          shardCount: { type: 'integer', description: 'Fixed for a generation; a new count applies from a rebuild.' },
          shards: { type: 'array', items: SHARD },
          parkedCount: {
            type: 'integer',
            description: 'Events of the serving generation parked and awaiting a decision (docs/read-models.md).',
          },
        },
      },
    },
  })
  async status(): Promise<WorkStatus[]> {
    const models: WorkStatus[] = (await this.host.status()).map((m) => ({ kind: 'read-model', ...m }));
    const relay = await relayShardsStatus(this.store, this.sql);
    if (!relay) return models;
    const { state, ...rest } = relay;
    return [
      ...models,
      {
        kind: 'relay',
        ...rest,
        state: state as ProjectionStatus['state'],
        version: 1,
        generation: 1,
        rebuild: null,
        parkedCount: 0,
      },
    ];
  }

  @Post(':name/rebuild')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild into new tables; the current copy serves until the new one has caught up.' })
  @ApiAcceptedResponse({
    schema: { type: 'object', required: ['generation'], properties: { generation: { type: 'integer' } } },
  })
  rebuild(@Param() { name }: ReadModelParams): Promise<{ generation: number }> {
    return known(() => this.host.rebuild(name));
  }

  @Post(':name/pause')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Pause after the batch in hand.' })
  @ApiAcceptedResponse({ schema: PAUSED })
  async pause(@Param() { name }: ReadModelParams): Promise<{ name: string; paused: true }> {
    await known(() => this.host.pause(name));
    return { name, paused: true };
  }

  @Post(':name/resume')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Resume a paused read model, or retry one stopped by an event it could not apply.' })
  @ApiAcceptedResponse({ schema: PAUSED })
  async resume(@Param() { name }: ReadModelParams): Promise<{ name: string; paused: false }> {
    await known(() => this.host.resume(name));
    return { name, paused: false };
  }
}

async function known<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UnknownProjection)
      throw new Problem(404, 'UNKNOWN_PROJECTION', 'No such read model', error.message);
    throw error;
  }
}
