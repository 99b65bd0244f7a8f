import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/** The FHIR issue type of an HTTP status (errors leave the FHIR API as OperationOutcome, docs/fhir.md). */
export function issueCodeOf(status: number): OperationOutcomeIssue['code'] {
  if (status === 400 || status === 422) return 'invalid';
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 410) return 'deleted';
  if (status === 413) return 'too-costly';
  if (status === 429) return 'throttled';
  if (status === 503) return 'transient';
  return status >= 500 ? 'exception' : 'processing';
}

export interface OutcomeIssue {
  readonly message: string;
  /** The offending parameter or element, when one is. */
  readonly expression?: string;
  readonly code?: string;
}

export function operationOutcome(status: number, issues: readonly OutcomeIssue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((issue) => ({
      severity: status >= 500 ? 'fatal' : 'error',
      code: issueCodeOf(status),
      ...(issue.code === undefined
        ? {}
        : {
            details: { coding: [{ system: 'https://caretrail.dev/problems', code: issue.code }], text: issue.message },
          }),
      diagnostics: issue.message,
      ...(issue.expression === undefined ? {} : { expression: [issue.expression] }),
    })),
  };
}
