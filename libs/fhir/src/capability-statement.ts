import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { servedTypes, type SearchPaths, type ServedType } from './search/resource-types';

const param = (name: string, type: 'token' | 'date' | 'reference' | 'number' | 'string', documentation: string) => ({
  name,
  type,
  documentation,
});

function resourceOf(type: ServedType): CapabilityStatementRestResource {
  const paths: SearchPaths = servedTypes[type];
  return {
    type,
    interaction: [{ code: 'read' }, { code: 'vread' }, { code: 'search-type' }, { code: 'history-instance' }],
    versioning: 'versioned',
    readHistory: true,
    updateCreate: false,
    searchInclude: type === 'Patient' || type === 'AuditEvent' ? [] : [`${type}:patient`],
    searchParam: [
      param('_id', 'token', 'Resource id'),
      param('_lastUpdated', 'date', 'When the version was recorded'),
      ...(type === 'Patient' ? [] : [param('patient', 'reference', 'The patient whose record is searched')]),
      ...(paths.date ? [param('date', 'date', 'The clinical date (docs/fhir.md)')] : []),
      ...(paths.status ? [param('status', 'token', 'Status')] : []),
      ...(paths.code ? [param('code', 'token', 'Code, system|code')] : []),
      param('_count', 'number', `Page size (at most 200, default 50)`),
      param('_offset', 'number', 'Where the page starts; the Bundle links carry it'),
    ],
  };
}

/** Exactly what the FHIR API serves: read-only, JSON, these types, parameters and the Bulk Data export. */
export function capabilityStatement(base: string, software: { version: string; date: string }): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: software.date,
    kind: 'instance',
    software: { name: 'CareTrail', version: software.version },
    implementation: { description: 'CareTrail FHIR R4 API (read-only)', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] },
          ],
          description: 'Bearer tokens; reads are limited to the patient and their care team, AuditEvent to admins.',
        },
        resource: (Object.keys(servedTypes) as ServedType[]).map(resourceOf),
        operation: [
          { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' },
          { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' },
        ],
      },
    ],
  };
}
