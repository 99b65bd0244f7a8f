import { parseDateFilter } from '../search/date-filter';
import { isServedType, patientTypes, type ServedType } from '../search/resource-types';
import type { SearchQuery } from '../search/search';
import { FhirSearchError } from '../search/search-error';

/** The groups `Group/{id}/$export` knows: everybody, or the patients whose care plan is on one track. */
export const exportGroups = ['all', 'integrated', 'medication-only', 'therapy-only'] as const;
export type ExportGroup = (typeof exportGroups)[number];

export const NDJSON = 'application/fhir+ndjson';
const OUTPUT_FORMATS = new Set([NDJSON, 'application/ndjson', 'ndjson']);
/** CareTrail's parameter that asks for pseudonymous patients (docs/fhir.md, "Bulk export"). */
export const PSEUDONYMISE = '_pseudonymise';

/** What a Bulk Data kick-off asked for (FHIR Bulk Data Access 2.0). */
export interface ExportRequest {
  readonly group: ExportGroup;
  readonly types: readonly ServedType[];
  /** Only resources whose current version was recorded at or after this instant. */
  readonly since: string | undefined;
  readonly pseudonymise: boolean;
}

const one = (query: SearchQuery, name: string): string | undefined => {
  const value = query[name];
  if (Array.isArray(value)) throw new FhirSearchError(name, 'may be given once');
  return value;
};

/** Parses a kick-off's parameters; anything unknown or out of its rule is refused, naming it. */
export function parseExportRequest(query: SearchQuery, group = 'all'): ExportRequest {
  if (!(exportGroups as readonly string[]).includes(group))
    throw new FhirSearchError('Group', `must be one of ${exportGroups.join(', ')}`);
  for (const name of Object.keys(query))
    if (!['_type', '_since', '_outputFormat', PSEUDONYMISE].includes(name))
      throw new FhirSearchError(
        name,
        'is not a parameter of $export; supported: _type, _since, _outputFormat, _pseudonymise',
      );
  const format = one(query, '_outputFormat');
  if (format !== undefined && !OUTPUT_FORMATS.has(format))
    throw new FhirSearchError('_outputFormat', `only ${NDJSON} is served`);
  const typeList = one(query, '_type');
  const types = typeList === undefined ? patientTypes : typeList.split(',');
  for (const type of types)
    if (!isServedType(type) || type === 'AuditEvent')
      throw new FhirSearchError('_type', `${type} is not exported; exported: ${patientTypes.join(', ')}`);
  const since = one(query, '_since');
  if (since !== undefined && (!/T/.test(since) || parseDateFilter('_since', since).prefix !== 'eq'))
    throw new FhirSearchError('_since', 'must be an instant with a time zone, e.g. 2026-01-01T00:00:00Z');
  const pseudonymise = one(query, PSEUDONYMISE);
  if (pseudonymise !== undefined && pseudonymise !== 'true' && pseudonymise !== 'false')
    throw new FhirSearchError(PSEUDONYMISE, 'must be true or false');
  return {
    group: group as ExportGroup,
    types: [...new Set(types)] as ServedType[],
    since: since === undefined ? undefined : new Date(since).toISOString(),
    pseudonymise: pseudonymise === 'true',
  };
}
