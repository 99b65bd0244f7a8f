import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiProblems } from '../http/problems/problem.openapi';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../http/request';
import { WrongExpectedVersion, type EventStore, type StoredEvent } from '@caretrail/event-store';
import { erasureEvent, erasureStream, isErasureEvent } from '@caretrail/care-log';
import type { CachingPatientKeyStore } from '@caretrail/security';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../http/audit/audit-category';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { RequireRole } from '../http/auth/roles.guard';
import { EVENT_STORE, PATIENT_KEYS } from '../http/tokens';
import { IsText, PatientParams } from '../http/validation/decorators';
import { Problem } from '../http/problems/problem';
import { PersonalData } from './personal-data';

export class ErasureDto {
  @IsText(
    500,
    'Why the data is erased: the legal basis and a request reference. It is kept in the clear: no personal data.',
    'GDPR Art. 17 request, reference DPO-2026-014',
  )
  reason!: string;
}

export class ErasureResultDto {
  @ApiProperty()
  patientId!: string;
  @ApiProperty({ description: 'When the key was destroyed.' })
  erasedAt!: string;
  @ApiProperty({ description: 'The PatientDataErased event in the care-plan stream.' })
  eventId!: string;
  @ApiProperty({
    description: 'Its global position: read models reflect the erasure once they pass it (?minPosition=).',
  })
  position!: number;
  @ApiProperty()
  streamId!: string;
  @ApiProperty({ description: 'True when the patient had been erased before: nothing was done again.' })
  alreadyErased!: boolean;
}

/** A concurrent write to the care-plan stream between read and append: read again. */
const MAX_ATTEMPTS = 3;

/**
 * GDPR Art. 17 by crypto-shredding (docs/erasure.md): destroy the patient's
 * data key, then record PatientDataErased in the care-plan stream. In that
 * order, so the event never claims an erasure that did not happen; a
 * request that failed between the two is completed by repeating it. Repeats
 * are idempotent: 200 with the first erasure.
 */
@ApiTags('admin')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('patients')
export class ErasureController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PATIENT_KEYS) private readonly keys: CachingPatientKeyStore,
    private readonly personalData: PersonalData,
  ) {}

  @Post(':patientId/erasure')
  @HttpCode(202)
  @AuditCategory('personal data', { action: 'erase' })
  @ApiOperation({
    summary:
      "Erase a patient's personal data (names, contact details, free text) by destroying their key. Clinical facts stay; read models follow asynchronously.",
  })
  @ApiAcceptedResponse({
    type: ErasureResultDto,
    description: 'Key destroyed and erasure recorded; read models re-derive the patient.',
  })
  @ApiOkResponse({ type: ErasureResultDto, description: 'Already erased: the first erasure.' })
  @ApiProblems(400, 401, 403, 404, 409, 503)
  async erase(
    @Param() { patientId }: PatientParams,
    @Body() body: ErasureDto,
    @CurrentPrincipal() principal: Actor,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ErasureResultDto> {
    const stream = erasureStream(patientId);
    for (let attempt = 1; ; attempt++) {
      const events = await this.store.readStream(stream);
      // Admins may learn that a patient exists (they list the audit trail); 404 reveals nothing more.
      if (events.length === 0)
        throw new Problem(
          404,
          'UNKNOWN_PATIENT',
          'No such patient',
          'No care-plan stream is recorded for this patient.',
        );
      const earlier = events.find(isErasureEvent);
      if (earlier) {
        void response.status(200);
        return this.result(patientId, earlier, true);
      }
      const { destroyedAt } = await this.keys.destroy(patientId);
      this.personalData.erased(patientId);
      const event = erasureEvent(
        {
          patientId,
          reason: body.reason,
          erasedBy: { userId: principal.userId, role: principal.role },
          erasedAt: destroyedAt,
        },
        { correlationId: String(request.id) },
      );
      try {
        const appended = await this.store.append(stream, [event], { expectedVersion: events.length });
        return {
          patientId,
          erasedAt: destroyedAt,
          eventId: appended.eventIds[0]!,
          position: appended.positions[0]!,
          streamId: stream,
          alreadyErased: false,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private result(patientId: string, event: StoredEvent, alreadyErased: boolean): ErasureResultDto {
    return {
      patientId,
      erasedAt: String(event.data['erasedAt']),
      eventId: event.eventId,
      position: event.position,
      streamId: event.streamId,
      alreadyErased,
    };
  }
}
