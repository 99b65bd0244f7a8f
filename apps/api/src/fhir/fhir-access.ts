import { Injectable } from '@nestjs/common';
import type { ApiRequest as Request } from '../http/request';
import { FhirSearchError, patientOfResourceId, type SearchQuery } from '@caretrail/fhir';
import type { Actor } from '@caretrail/domain';
import { Problem } from '../http/problems/problem';
import { forbidden } from '../http/problems/problem-details.filter';
import { PatientAccess } from '../queries/patient-access';

export const notFound = (detail: string): Problem => new Problem(404, 'not-found', 'Not found', detail);

/** The request's query as FHIR search reads it: strings only (a bracketed `a[b]=` is refused). */
export function searchQueryOf(request: Request): SearchQuery {
  const query: SearchQuery = {};
  for (const [name, value] of Object.entries(request.query)) {
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))
      query[name] = value as string | string[];
    else throw new FhirSearchError(name, 'must be a plain value');
  }
  return query;
}

/**
 * Who may read what through FHIR: the same rule as every clinical read (the
 * patient and their care team, decided from the care-plan stream), and
 * AuditEvent for admins only. A resource id names its patient, so access is
 * decided before the record is read (docs/fhir.md, "Access").
 */
@Injectable()
export class FhirAccess {
  constructor(private readonly access: PatientAccess) {}

  /** The patient of a resource id, once the principal may read their record; 404 for an id CareTrail never hands out. */
  async resourcePatient(resourceType: string, id: string, principal: Actor): Promise<string> {
    const patientId = patientOfResourceId(resourceType, id);
    if (patientId === null) throw notFound(`No ${resourceType} has the id ${id}.`);
    await this.access.assertMayRead(patientId, principal);
    return patientId;
  }

  /** The patient a search reads: the one asked for, or the patient's own record. */
  async searchPatient(asked: string | undefined, principal: Actor): Promise<string> {
    const patientId = asked ?? (principal.role === 'patient' ? principal.userId : undefined);
    if (patientId === undefined)
      throw new FhirSearchError(
        'patient',
        "is required: a search reads one patient's record (the Bulk export reads many)",
      );
    await this.access.assertMayRead(patientId, principal);
    return patientId;
  }

  assertAdmin(principal: Actor): void {
    if (principal.role !== 'admin') throw forbidden();
  }
}

/** The patient an access record names: the resource id's, else the searched one (docs/audit.md). */
export function auditedPatient(request: Request): string | undefined {
  const { resourceType, id } = request.params as { resourceType?: string; id?: string };
  if (resourceType !== undefined && id !== undefined) return patientOfResourceId(resourceType, id) ?? undefined;
  const patient = request.query['patient'];
  if (typeof patient === 'string') return patient.replace(/^Patient\//, '');
  const principal = request.principal;
  return principal?.role === 'patient' ? principal.userId : undefined;
}
