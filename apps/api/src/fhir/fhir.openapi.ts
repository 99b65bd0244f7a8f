import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiResponse } from '@nestjs/swagger';
import { FHIR_JSON } from './fhir-outcome.filter';

const RESOURCE = { type: 'object' as const, additionalProperties: true, required: ['resourceType'] };

const ERRORS: Record<number, string> = {
  400: 'A search parameter the type does not support, or a value that breaks its rule.',
  401: 'No valid bearer token.',
  403: 'Not permitted (an unknown patient looks the same).',
  404: 'Unknown resource type, or no such resource in this record.',
  410: "The patient's personal data was erased.",
  503: 'The access log cannot be written.',
};

/** A FHIR answer: the resource or Bundle, or an OperationOutcome, both `application/fhir+json`. */
export const FhirAnswer = (description: string, ...statuses: number[]): MethodDecorator =>
  applyDecorators(
    ApiOkResponse({ description, content: { [FHIR_JSON]: { schema: RESOURCE } } }),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: `${ERRORS[status] ?? 'Error'} An OperationOutcome.`,
        content: { [FHIR_JSON]: { schema: RESOURCE } },
      }),
    ),
  );
