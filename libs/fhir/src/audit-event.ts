import type { AuditEvent } from '@medplum/fhirtypes';
import { AUDIT_EVENT_TYPE, caretrailSystem } from './codes';
import { userReference } from './resources/context';

/** What the access log keeps of one request (libs/access-log's record, read through its query API). */
export interface AccessRecordFields {
  readonly id: number;
  readonly recordedAt: string;
  readonly userId: string | null;
  readonly role: string | null;
  readonly patientId: string | null;
  readonly category: string;
  readonly action: string;
  readonly outcome: string;
  readonly status: number;
  readonly method: string;
  readonly route: string;
  readonly clientAddress: string | null;
  readonly correlationId: string;
}

const ACTION: Record<string, NonNullable<AuditEvent['action']>> = {
  create: 'C',
  read: 'R',
  query: 'E',
  export: 'E',
  erase: 'D',
  control: 'E',
};

/**
 * One access-log record as an AuditEvent (docs/fhir.md, "AuditEvent"): the
 * requester, the patient touched, the data category, the action, and the
 * outcome (0 allowed and answered, 4 refused or answered 4xx, 8 failed).
 */
export function auditEventOf(record: AccessRecordFields): AuditEvent {
  const outcome = record.status >= 500 ? '8' : record.status >= 400 || record.outcome === 'denied' ? '4' : '0';
  return {
    resourceType: 'AuditEvent',
    id: String(record.id),
    meta: { versionId: '1', lastUpdated: record.recordedAt },
    type: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: caretrailSystem.dataCategory, code: record.category }],
    action: ACTION[record.action] ?? 'E',
    recorded: record.recordedAt,
    outcome,
    outcomeDesc: `${record.outcome}, HTTP ${record.status}`,
    agent: [
      {
        requestor: true,
        who:
          record.userId === null
            ? { display: 'unauthenticated' }
            : userReference({ userId: record.userId, ...(record.role === null ? {} : { role: record.role }) }),
        ...(record.clientAddress === null ? {} : { network: { address: record.clientAddress, type: '2' } }),
      },
    ],
    source: {
      observer: { display: 'CareTrail API' },
      type: [{ code: '3', system: 'http://terminology.hl7.org/CodeSystem/security-source-type' }],
    },
    entity: [
      ...(record.patientId === null
        ? []
        : [
            {
              what: { reference: `Patient/${record.patientId}` },
              role: { code: '1', system: 'http://terminology.hl7.org/CodeSystem/object-role' },
            },
          ]),
      {
        what: {
          identifier: { system: 'https://caretrail.dev/fhir/NamingSystem/correlation-id', value: record.correlationId },
        },
        description: `${record.method} ${record.route}`,
      },
    ],
  };
}
