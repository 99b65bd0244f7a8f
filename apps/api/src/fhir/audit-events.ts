import { Injectable } from '@nestjs/common';
import type { AccessLogFilter } from '@caretrail/access-log';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { auditEventOf, searchBundle, type FhirSearch } from '@caretrail/fhir';
import { AccessAudit } from '../audit/access-audit';
import { notFound } from './fhir-access';

/**
 * AuditEvent: the access log through its query API (docs/audit.md), for
 * admins. `patient`, `date` and `_lastUpdated` narrow the log's own filter;
 * a page reads at most `_offset + _count + 1` records.
 */
@Injectable()
export class AuditEvents {
  constructor(private readonly audit: AccessAudit) {}

  async read(id: string): Promise<AuditEvent> {
    if (!/^[1-9]\d{0,15}$/.test(id)) throw notFound(`No AuditEvent has the id ${id}.`);
    const { items } = await this.audit.log.page({}, { order: 'asc', limit: 1, cursor: String(Number(id) - 1) });
    const record = items[0];
    if (!record || record.id !== Number(id)) throw notFound(`No AuditEvent has the id ${id}.`);
    return auditEventOf(record);
  }

  async search(base: string, search: FhirSearch, params: URLSearchParams): Promise<Bundle> {
    const filter: AccessLogFilter = { ...(search.patient === undefined ? {} : { patientId: search.patient }) };
    for (const f of [...search.date, ...search.lastUpdated]) {
      const from = f.prefix === 'gt' ? f.until : f.prefix === 'eq' || f.prefix === 'ge' ? f.from : undefined;
      const to = f.prefix === 'lt' ? f.from : f.prefix === 'eq' || f.prefix === 'le' ? f.until : undefined;
      if (from !== undefined)
        filter.from = new Date(Math.max(from, Date.parse(filter.from ?? '1970-01-01T00:00:00Z'))).toISOString();
      if (to !== undefined)
        filter.to = new Date(Math.min(to, Date.parse(filter.to ?? '9999-12-31T00:00:00Z'))).toISOString();
    }
    const wanted = search.offset + search.count + 1;
    const records = [];
    for await (const record of this.audit.log.stream(filter, 'desc', Math.min(wanted, 1000))) {
      records.push(auditEventOf(record));
      if (records.length >= wanted) break;
    }
    const bundle = searchBundle(base, search, params, records);
    // The log is not counted to the end for one page: a next link says there is more.
    delete bundle.total;
    return bundle;
  }
}
