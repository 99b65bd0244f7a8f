import { Inject, Injectable } from '@nestjs/common';
import { isErasureEvent } from '@caretrail/care-log';
import { streams } from '@caretrail/domain';
import type { EventStore, StoredEvent } from '@caretrail/event-store';
import { EVENT_STORE } from '../http/tokens';
import { PersonalData } from '../privacy/personal-data';

/** Who a patient is, as the enrolment recorded it, opened for one answer. */
export interface PatientIdentity {
  patientId: string;
  /** Null once the patient's personal data was erased. */
  name: { given: string; family: string } | null;
  contact: { email: string | null; phone: string | null } | null;
  erased: boolean;
  timeZone: string | null;
  enrolledAt: string | null;
}

/**
 * Names and contact details are kept only in the log, sealed under the
 * patient's key; read models hold none (docs/read-models.md). So a caseload
 * opens each patient's enrolment when it answers and forgets it afterwards,
 * and an erased patient (key destroyed, erasure recorded in the care-plan
 * stream) shows as erased (docs/erasure.md).
 */
@Injectable()
export class PatientIdentities {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  async of(patientIds: readonly string[]): Promise<Map<string, PatientIdentity>> {
    const identities = await Promise.all(patientIds.map((id) => this.one(id)));
    return new Map(identities.map((identity) => [identity.patientId, identity]));
  }

  private async one(patientId: string): Promise<PatientIdentity> {
    const stream = await this.store.readStream(streams.carePlan(patientId));
    const enrolment = stream.find((event) => event.type === 'PatientEnrolled');
    const erased = stream.some(isErasureEvent);
    if (!enrolment) return { patientId, name: null, contact: null, erased, timeZone: null, enrolledAt: null };
    const data = erased ? enrolment.data : (await this.personalData.open([enrolment]))[0]!.data;
    return {
      patientId,
      name: erased ? null : nameOf(data),
      contact: erased ? null : contactOf(data),
      erased,
      timeZone: typeof data['timeZone'] === 'string' ? data['timeZone'] : null,
      enrolledAt: enrolledAtOf(enrolment),
    };
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function nameOf(data: Record<string, unknown>): PatientIdentity['name'] {
  const name = data['name'] as Record<string, unknown> | null | undefined;
  return { given: text(name?.['given']) ?? '', family: text(name?.['family']) ?? '' };
}

function contactOf(data: Record<string, unknown>): PatientIdentity['contact'] {
  const contact = data['contact'] as Record<string, unknown> | null | undefined;
  return { email: text(contact?.['email']), phone: text(contact?.['phone']) };
}

function enrolledAtOf(event: StoredEvent): string | null {
  return text(event.data['occurredAt']) ?? event.recordedAt;
}

/** Case-insensitive match of a search term against given and family name. */
export function nameMatches(identity: PatientIdentity | undefined, term: string | undefined): boolean {
  if (!term) return true;
  if (!identity?.name) return false;
  const needle = term.trim().toLocaleLowerCase();
  return `${identity.name.given} ${identity.name.family}`.toLocaleLowerCase().includes(needle);
}
