import { applyDecorators, Controller, Get, Header, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../http/request';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import {
  capabilityStatement,
  historyBundle,
  isServedType,
  matching,
  parseSearch,
  searchBundle,
  type ServedType,
} from '@caretrail/fhir';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../http/audit/audit-category';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { Problem } from '../http/problems/problem';
import { EXAMPLE_ID } from '../http/validation/example-ids';
import { AuditEvents } from './audit-events';
import { auditedPatient, FhirAccess, notFound, searchQueryOf } from './fhir-access';
import { FHIR_JSON, FhirOutcomeFilter } from './fhir-outcome.filter';
import { FhirAnswer } from './fhir.openapi';
import { PatientLogReader } from './patient-log-reader';

const VERSION = '0.1.0';

/** The path parameters of a resource, with the patient's own Patient resource as the example. */
const ResourceParams = (): MethodDecorator =>
  applyDecorators(
    ApiParam({ name: 'resourceType', description: 'A served type (see /fhir/R4/metadata).', example: 'Patient' }),
    ApiParam({
      name: 'id',
      description: 'The resource id; a Patient’s is the patient id.',
      example: EXAMPLE_ID.patient,
    }),
  );
const STARTED = new Date().toISOString();

export const fhirBase = (request: Request): string =>
  `${request.protocol}://${request.headers.host ?? 'localhost'}/fhir/R4`;

const erased = (): Problem =>
  new Problem(410, 'patient-data-erased', 'Personal data erased', "This patient's personal data was erased.");

function servedType(resourceType: string): ServedType {
  if (!isServedType(resourceType))
    throw notFound(`The resource type ${resourceType} is not served here (see /fhir/R4/metadata).`);
  return resourceType;
}

const audited = AuditCategory('fhir', {
  action: (request) => (request.params['id'] === undefined ? 'query' : 'read'),
  patient: auditedPatient,
  detail: (request) => ({ resourceType: request.params['resourceType'] }),
});

/**
 * The read-only FHIR R4 API (docs/fhir.md): every resource folded from the
 * patient's log, each version the state after one event. Errors are
 * OperationOutcome; access and audit are the clinical reads'.
 */
@ApiTags('fhir')
@ApiBearerAuth()
@UseFilters(FhirOutcomeFilter)
@Controller('fhir/R4')
export class FhirController {
  constructor(
    private readonly access: FhirAccess,
    private readonly reader: PatientLogReader,
    private readonly auditEvents: AuditEvents,
  ) {}

  @Get('metadata')
  // Under /fhir every route is audited (docs/audit.md); this one touches no patient.
  @AuditCategory('fhir', { patient: () => null, detail: () => ({ resourceType: 'CapabilityStatement' }) })
  @Header('Content-Type', FHIR_JSON)
  @ApiOperation({ summary: 'The CapabilityStatement: exactly the types, interactions and parameters served.' })
  @FhirAnswer('A CapabilityStatement.', 401)
  metadata(@Req() request: Request): Resource {
    return capabilityStatement(fhirBase(request), { version: VERSION, date: STARTED });
  }

  @Get(':resourceType')
  @audited
  @Header('Content-Type', FHIR_JSON)
  @ApiOperation({ summary: "Search one type within one patient's record (AuditEvent: the access log, admins only)." })
  @FhirAnswer('A searchset Bundle, paged by its links.', 400, 401, 403, 404, 503)
  @ApiParam({ name: 'resourceType', description: 'A served type (see /fhir/R4/metadata).', example: 'Observation' })
  @ApiQuery({
    name: 'patient',
    required: false,
    description:
      'The patient whose record is searched (required except for AuditEvent); more parameters per type in /fhir/R4/metadata.',
    example: EXAMPLE_ID.patient,
  })
  async search(
    @Param('resourceType') resourceType: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: Actor,
  ): Promise<Bundle> {
    const type = servedType(resourceType);
    const query = searchQueryOf(request);
    const search = parseSearch(type, query);
    const params = new URLSearchParams(request.originalUrl.split('?')[1] ?? '');
    params.delete('_offset');
    if (type === 'AuditEvent') {
      this.access.assertAdmin(principal);
      return this.auditEvents.search(fhirBase(request), search, params);
    }
    const patientId = await this.access.searchPatient(search.patient, principal);
    const { resources, erased: isErased } = await this.reader.read(patientId);
    const candidates = type === 'Patient' && isErased ? [] : resources.current(type);
    const included = search.includePatient && !isErased ? resources.current('Patient') : [];
    return searchBundle(fhirBase(request), search, params, matching(search, candidates), included);
  }

  @Get(':resourceType/:id')
  @audited
  @Header('Content-Type', FHIR_JSON)
  @ApiOperation({ summary: 'Read the current version of one resource.' })
  @FhirAnswer('The resource.', 401, 403, 404, 410, 503)
  @ResourceParams()
  async read(
    @Param('resourceType') resourceType: string,
    @Param('id') id: string,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Resource> {
    const versions = await this.versions(resourceType, id, principal);
    return this.answer(response, versions[versions.length - 1]!);
  }

  @Get(':resourceType/:id/_history')
  @audited
  @Header('Content-Type', FHIR_JSON)
  @ApiOperation({ summary: "A resource's versions, newest first: one per event of the log that changed it." })
  @FhirAnswer('A history Bundle.', 401, 403, 404, 410, 503)
  @ResourceParams()
  async history(
    @Param('resourceType') resourceType: string,
    @Param('id') id: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: Actor,
  ): Promise<Bundle> {
    const versions = await this.versions(resourceType, id, principal);
    return historyBundle(fhirBase(request), resourceType, id, versions);
  }

  @Get(':resourceType/:id/_history/:versionId')
  @audited
  @Header('Content-Type', FHIR_JSON)
  @ApiOperation({ summary: 'Read one version of a resource (vread).' })
  @FhirAnswer('The version.', 401, 403, 404, 410, 503)
  @ResourceParams()
  @ApiParam({ name: 'versionId', description: 'A version the history lists: 1 is the first.', example: '1' })
  async vread(
    @Param('resourceType') resourceType: string,
    @Param('id') id: string,
    @Param('versionId') versionId: string,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Resource> {
    const version = (await this.versions(resourceType, id, principal)).find((r) => r.meta?.versionId === versionId);
    if (!version) throw notFound(`${resourceType}/${id} has no version ${versionId}.`);
    return this.answer(response, version);
  }

  /** Every version of one resource the principal may read, oldest first. */
  private async versions(resourceType: string, id: string, principal: Actor): Promise<Resource[]> {
    const type = servedType(resourceType);
    if (type === 'AuditEvent') {
      this.access.assertAdmin(principal);
      return [await this.auditEvents.read(id)];
    }
    const patientId = await this.access.resourcePatient(type, id, principal);
    const { resources, erased: isErased } = await this.reader.read(patientId);
    if (type === 'Patient' && isErased) throw erased();
    const versions = resources.history(type, id);
    if (!versions) throw notFound(`No ${type} has the id ${id}.`);
    return versions.map((v) => v.resource);
  }

  private answer(response: Response, resource: Resource): Resource {
    void response.header('ETag', `W/"${resource.meta?.versionId ?? '1'}"`);
    if (resource.meta?.lastUpdated)
      void response.header('Last-Modified', new Date(resource.meta.lastUpdated).toUTCString());
    return resource;
  }
}
