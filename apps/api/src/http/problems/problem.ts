/** One broken rule of one input field. */
export interface FieldViolation {
  /** Dotted path of the field in the request body, query or header name. */
  field: string;
  /** The rule, e.g. `isInt`, `max`, `whitelist`. */
  rule: string;
  message: string;
}

/** An RFC 9457 problem details body. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Machine-readable reason, stable across releases. */
  code?: string;
  errors?: FieldViolation[];
  correlationId?: string;
}

const TYPE_BASE = 'https://caretrail.dev/problems/';

/** An error the API answers with a problem details body and the given status. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldViolation[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }

  body(instance: string, correlationId?: string): ProblemDetails {
    return {
      type: `${TYPE_BASE}${this.code.toLowerCase().replace(/_/g, '-')}`,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      instance,
      code: this.code,
      ...(this.errors === undefined ? {} : { errors: this.errors }),
      ...(correlationId === undefined ? {} : { correlationId }),
    };
  }
}

export const invalidRequest = (errors: FieldViolation[]): Problem =>
  new Problem(
    400,
    'VALIDATION_FAILED',
    'The request is not valid',
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  );
