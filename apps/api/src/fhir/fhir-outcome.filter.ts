import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../http/request';
import { FhirSearchError, operationOutcome } from '@caretrail/fhir';
import { Problem } from '../http/problems/problem';
import { ProblemDetailsFilter } from '../http/problems/problem-details.filter';

export const FHIR_JSON = 'application/fhir+json';

/**
 * The FHIR API's errors are OperationOutcome resources (docs/fhir.md,
 * "Errors"), with the same statuses, audit and logging as every other
 * problem: only the body differs.
 */
@Catch()
export class FhirOutcomeFilter extends ProblemDetailsFilter {
  override catch(error: unknown, host: ArgumentsHost): Promise<void> {
    if (error instanceof FhirSearchError)
      return super.catch(
        new Problem(400, 'invalid-search', 'Invalid search', error.message, [
          { field: error.parameter, rule: 'search', message: error.rule },
        ]),
        host,
      );
    return super.catch(error, host);
  }

  protected override send(request: Request, response: Response, problem: Problem): void {
    if (response.sent || response.raw.headersSent) {
      response.raw.destroy();
      return;
    }
    const issues = problem.errors?.map((e) => ({
      message: `${e.field}: ${e.message}`,
      expression: e.field,
      code: problem.code,
    })) ?? [{ message: problem.detail ?? problem.title, code: problem.code }];
    void response
      .status(problem.status)
      .headers({ ...problem.headers, 'Content-Type': FHIR_JSON })
      .send(JSON.stringify(operationOutcome(problem.status, issues)));
  }
}
