/** A search or request parameter CareTrail cannot answer: the API's 400 OperationOutcome names it and the rule. */
export class FhirSearchError extends Error {
  constructor(
    readonly parameter: string,
    readonly rule: string,
  ) {
    super(`${parameter}: ${rule}`);
    this.name = 'FhirSearchError';
  }
}
