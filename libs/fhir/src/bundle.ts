import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { FhirSearch } from './search/search';

/**
 * A page of a search (FHIR searchset): `self`, `first`, `previous` and `next`
 * links carry the same query with `_offset` moved by `_count`, so any client
 * pages by following them. `total` counts every match.
 */
export function searchBundle(
  base: string,
  search: FhirSearch,
  query: URLSearchParams,
  matches: readonly Resource[],
  included: readonly Resource[] = [],
): Bundle {
  const page = matches.slice(search.offset, search.offset + search.count);
  const link = (relation: string, offset: number): BundleLink => {
    const params = new URLSearchParams(query);
    params.set('_count', String(search.count));
    params.set('_offset', String(offset));
    return { relation, url: `${base}/${search.resourceType}?${params.toString()}` };
  };
  const links = [link('self', search.offset), link('first', 0)];
  if (search.offset > 0 && search.count > 0) links.push(link('previous', Math.max(0, search.offset - search.count)));
  if (search.count > 0 && search.offset + search.count < matches.length)
    links.push(link('next', search.offset + search.count));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    link: links,
    entry: [
      ...page.map((resource) => entry(base, resource, 'match')),
      ...(page.length === 0 ? [] : included.map((resource) => entry(base, resource, 'include'))),
    ],
  };
}

const entry = (base: string, resource: Resource, mode: 'match' | 'include'): BundleEntry => ({
  fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
  resource,
  search: { mode },
});

/** A resource's versions, newest first (FHIR history): the first is a create, later ones updates. */
export function historyBundle(base: string, resourceType: string, id: string, versions: readonly Resource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: [{ relation: 'self', url: `${base}/${resourceType}/${id}/_history` }],
    entry: [...versions].reverse().map((resource) => {
      const version = resource.meta?.versionId ?? '1';
      return {
        fullUrl: `${base}/${resourceType}/${id}`,
        resource,
        request: {
          method: version === '1' ? 'POST' : 'PUT',
          url: version === '1' ? resourceType : `${resourceType}/${id}`,
        },
        response: {
          status: version === '1' ? '201' : '200',
          etag: `W/"${version}"`,
          ...(resource.meta?.lastUpdated === undefined ? {} : { lastModified: resource.meta.lastUpdated }),
        },
      };
    }),
  };
}
