import type { CarePlan, Resource } from '@medplum/fhirtypes';
import { caretrailSystem } from '../codes';
import type { PatientResources } from '../resources/patient-resources';
import type { ExportRequest } from './export-request';
import { pseudonymised } from './pseudonymise';

/** Whether the patient belongs to the group: everybody in `all`, else a current care plan on that track. */
export function inGroup(resources: PatientResources, request: ExportRequest): boolean {
  if (request.group === 'all') return true;
  return (resources.current('CarePlan') as CarePlan[]).some(
    (plan) =>
      plan.status === 'active' &&
      plan.category?.some((c) =>
        c.coding?.some((k) => k.system === caretrailSystem.treatmentTrack && k.code === request.group),
      ),
  );
}

/** The resources of one patient an export writes, by type, each as it will stand in its NDJSON line. */
export function exportedResources(
  resources: PatientResources,
  request: ExportRequest,
  { pseudonym, erased = false }: { pseudonym?: { of: string; keyId: string } | undefined; erased?: boolean } = {},
): Array<{ type: string; resource: Resource }> {
  if (!inGroup(resources, request)) return [];
  // An erased patient's Patient is gone (410 on read): it is not exported either.
  return request.types.flatMap((type) =>
    (type === 'Patient' && erased ? [] : resources.current(type))
      .filter((r) => request.since === undefined || (r.meta?.lastUpdated ?? '') >= request.since)
      .map((r) => ({
        type,
        resource: pseudonym ? pseudonymised(r, resources.patientId, pseudonym.of, pseudonym.keyId) : r,
      })),
  );
}
