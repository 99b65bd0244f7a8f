import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { invalidRequest, type FieldViolation } from '../problems/problem';

/**
 * class-validator on every body and query: unknown fields refused, values
 * converted to their declared types, every broken rule reported with its
 * field path; a missing required field is one `isDefined` violation.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    // The value is read only to tell a missing field from a wrong one; it never reaches the answer.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => invalidRequest(flatten(errors)),
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // A required field that is absent breaks every rule it has; saying so once is clearer (docs/architecture.md#http-edge).
    if (error.value === undefined && error.constraints !== undefined)
      return [{ field, rule: 'isDefined', message: `${field} is required` }];
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'whitelist' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not a known field` : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
