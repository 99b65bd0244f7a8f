import type { Resource } from '@medplum/fhirtypes';
import { FHIR_ID } from '../ids';
import { matchesDate, parseDateFilter, type DateFilter } from './date-filter';
import { servedTypes, type SearchPaths, type ServedType } from './resource-types';
import { FhirSearchError } from './search-error';

export type SearchQuery = Record<string, string | string[] | undefined>;

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 200;

/** A parsed search of one type (docs/fhir.md, "Search"). */
export interface FhirSearch {
  readonly resourceType: ServedType;
  /** The patient whose record is searched: `patient`, or `_id` on Patient. */
  readonly patient: string | undefined;
  readonly ids: readonly string[] | undefined;
  readonly date: readonly DateFilter[];
  readonly lastUpdated: readonly DateFilter[];
  readonly status: readonly string[] | undefined;
  readonly code: ReadonlyArray<{ system: string | undefined; code: string }> | undefined;
  readonly count: number;
  readonly offset: number;
  /** `_include=<type>:patient`: the Patient joins the page. */
  readonly includePatient: boolean;
}

const values = (query: SearchQuery, name: string): string[] => {
  const raw = query[name];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
};

const single = (query: SearchQuery, name: string): string | undefined => {
  const all = values(query, name);
  if (all.length > 1) throw new FhirSearchError(name, 'may be given once');
  return all[0];
};

function integer(query: SearchQuery, name: string, min: number, max: number): number | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new FhirSearchError(name, `must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

/** A patient reference as search values carry it: `Patient/<id>` or the bare id. */
function patientReference(name: string, raw: string): string {
  const id = raw.startsWith('Patient/') ? raw.slice('Patient/'.length) : raw;
  if (!FHIR_ID.test(id) || id.includes('.')) throw new FhirSearchError(name, 'must be a Patient id or Patient/<id>');
  return id;
}

const COMMON = new Set(['_count', '_offset', '_lastUpdated', '_include', '_id', '_format']);

/** Parses a search of `type`; any parameter the type does not support is refused, not silently ignored. */
export function parseSearch(resourceType: ServedType, query: SearchQuery): FhirSearch {
  const paths: SearchPaths = servedTypes[resourceType];
  const supported = new Set([
    ...COMMON,
    ...(resourceType === 'Patient' ? [] : ['patient']),
    ...(paths.date ? ['date'] : []),
    ...(paths.status ? ['status'] : []),
    ...(paths.code ? ['code'] : []),
  ]);
  for (const name of Object.keys(query)) {
    if (!supported.has(name))
      throw new FhirSearchError(
        name,
        `is not a search parameter of ${resourceType}; supported: ${[...supported].join(', ')}`,
      );
  }
  const format = single(query, '_format');
  if (format !== undefined && !['json', 'application/json', 'application/fhir+json'].includes(format))
    throw new FhirSearchError('_format', 'only json is served');
  const ids = single(query, '_id')?.split(',');
  ids?.forEach((id) => {
    if (!FHIR_ID.test(id)) throw new FhirSearchError('_id', 'must be resource ids');
  });
  const patientParam = single(query, 'patient');
  const patient =
    patientParam !== undefined
      ? patientReference('patient', patientParam)
      : resourceType === 'Patient' && ids?.length === 1
        ? patientReference('_id', ids[0]!)
        : undefined;
  const include = values(query, '_include');
  for (const value of include) {
    if (value !== `${resourceType}:patient` && value !== `${resourceType}:subject`)
      throw new FhirSearchError('_include', `only ${resourceType}:patient is served`);
  }
  if ((resourceType === 'Patient' || resourceType === 'AuditEvent') && include.length > 0)
    throw new FhirSearchError('_include', `${resourceType} includes nothing`);
  return {
    resourceType,
    patient,
    ids,
    date: values(query, 'date').map((v) => parseDateFilter('date', v)),
    lastUpdated: values(query, '_lastUpdated').map((v) => parseDateFilter('_lastUpdated', v)),
    status: single(query, 'status')?.split(','),
    code: single(query, 'code')
      ?.split(',')
      .map((token) => {
        const bar = token.indexOf('|');
        const code = bar < 0 ? token : token.slice(bar + 1);
        if (code === '') throw new FhirSearchError('code', 'must be code or system|code');
        return { system: bar < 0 ? undefined : token.slice(0, bar), code };
      }),
    count: integer(query, '_count', 0, MAX_COUNT) ?? DEFAULT_COUNT,
    offset: integer(query, '_offset', 0, 100_000_000) ?? 0,
    includePatient: include.length > 0,
  };
}

/** The resources that match every condition of the search (before paging), in their given order. */
export function matching(search: FhirSearch, resources: readonly Resource[]): Resource[] {
  const paths: SearchPaths = servedTypes[search.resourceType];
  return resources.filter(
    (r) =>
      (search.ids === undefined || search.ids.includes(r.id ?? '')) &&
      search.date.every((f) => matchesDate(f, paths.date?.(r))) &&
      search.lastUpdated.every((f) => matchesDate(f, r.meta?.lastUpdated)) &&
      (search.status === undefined || search.status.includes(paths.status?.(r) ?? '')) &&
      (search.code === undefined ||
        search.code.some((want) =>
          (paths.code?.(r) ?? []).some(
            (c) => c.code === want.code && (want.system === undefined || want.system === (c.system ?? '')),
          ),
        )),
  );
}
