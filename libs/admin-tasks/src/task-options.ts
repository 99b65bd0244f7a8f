import { ISO_INSTANT } from '@caretrail/domain';

/**
 * The options of an admin task, checked once for both callers: the command
 * line hands over what it parsed from argv (strings), the API the JSON body
 * of the request (numbers, strings, booleans). Either way a mistake is a
 * TaskArgumentError that says what to give instead.
 */

/** A mistake in what was asked: exit code 2 on the command line, 400 from the API. */
export class TaskArgumentError extends Error {}

/** Asked correctly, but the store's state refuses it (exit code 1 on the command line, 409 from the API). */
export class TaskRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type TaskOptions = Readonly<Record<string, unknown>>;

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Refuses options the task does not know, as the command line's strict parsing does. */
export function onlyKnownOptions(options: TaskOptions, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((name) => !known.includes(name) && options[name] !== undefined);
  if (unknown.length > 0)
    throw new TaskArgumentError(
      `Unknown option --${unknown[0]}: the options are ${known.map((k) => `--${k}`).join(', ')}`,
    );
}

export function stringOption(options: TaskOptions, name: string): string | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TaskArgumentError(`--${name} must be text (got ${JSON.stringify(value)})`);
  return value;
}

export function flagOption(options: TaskOptions, name: string): boolean {
  const value = options[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean')
    throw new TaskArgumentError(`--${name} takes no value (got ${JSON.stringify(value)})`);
  return value;
}

/** A whole number from `min` to `max`, written as digits or given as a number. */
export function wholeNumberOption(
  options: TaskOptions,
  name: string,
  { fallback, min, max = Number.MAX_SAFE_INTEGER }: { fallback: number; min: number; max?: number },
): number {
  const raw = options[name];
  if (raw === undefined || raw === null) return fallback;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? `${min.toLocaleString('en-US')} or more`
        : `from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
    throw new TaskArgumentError(`--${name} must be a whole number ${range} (got ${JSON.stringify(raw)})`);
  }
  return n;
}

export function isInstant(value: string): boolean {
  return ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

/** An ISO-8601 instant with its offset (the API's rule), as a normalised UTC string. */
export function instantOption(
  options: TaskOptions,
  name: string,
  { required = true, notAfter }: { required?: boolean; notAfter?: number } = {},
): string | undefined {
  const value = stringOption(options, name);
  if (value === undefined) {
    if (required) throw new TaskArgumentError(`--${name} is required: an instant such as 2026-03-01T00:00:00Z`);
    return undefined;
  }
  if (!isInstant(value)) {
    throw new TaskArgumentError(
      `--${name} must be an instant with a zone, such as 2026-03-01T00:00:00Z (got ${JSON.stringify(value)})`,
    );
  }
  if (notAfter !== undefined && Date.parse(value) > notAfter)
    throw new TaskArgumentError(`--${name} must not be in the future (got ${value})`);
  return new Date(value).toISOString();
}

export function choiceOption<T extends string>(
  options: TaskOptions,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  return oneOf(name, stringOption(options, name) ?? fallback, choices);
}

export function oneOf<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value))
    throw new TaskArgumentError(`--${name} must be one of: ${choices.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

/** A list given as `a,b` on the command line or as an array in JSON; undefined when not given. */
export function listOption(options: TaskOptions, name: string): string[] | undefined {
  const raw = options[name];
  if (raw === undefined || raw === null) return undefined;
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (items === null || items.some((item) => typeof item !== 'string'))
    throw new TaskArgumentError(`--${name} must be a comma-separated list (got ${JSON.stringify(raw)})`);
  return [...new Set((items as string[]).map((item) => item.trim()))];
}

/** A patient or user id: 1 to 64 letters, digits, "-" or "_". */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}
