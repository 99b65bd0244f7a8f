import { InvalidValue } from './errors';

export function requireText(value: string, field: string): string {
  if (value.trim() === '') throw new InvalidValue(field, 'must not be empty');
  return value;
}

export function optionalText(value: string | null | undefined, field: string): string | null {
  return value === undefined || value === null ? null : requireText(value, field);
}

export function isIntegerInRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
