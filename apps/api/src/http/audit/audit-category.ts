import { SetMetadata } from '@nestjs/common';
import type { ApiRequest as Request } from '../request';
import type { AccessAction } from '@caretrail/access-log';

/**
 * The kinds of patient data a route touches, as the access log names them.
 * Add one when a new kind of data gets routes of its own.
 */
export type DataCategory =
  | 'care plan'
  | 'therapy'
  | 'sessions'
  | 'medication list'
  | 'doses'
  | 'side effects'
  | 'outcomes'
  | 'collaboration'
  | 'corrections'
  | 'adherence'
  | 'registry'
  | 'history'
  | 'access log'
  | 'personal data'
  | 'integrity'
  | 'read models'
  | 'sample data'
  | 'analytics'
  | 'fhir'
  | 'admin console';

export interface AuditOptions {
  /** Default: `read` for GET, `create` for every other method (every write appends). */
  action?: AccessAction | ((request: Request) => AccessAction);
  /** The patient touched. Default: the route's `:patientId`. */
  patient?: (request: Request, result: unknown) => string | null | undefined;
  /** What else identifies the access (patients a list returned, filters of a query). Kept small. */
  detail?: (request: Request, result: unknown) => Record<string, unknown> | undefined;
}

export interface AuditMetadata extends AuditOptions {
  category: DataCategory;
}

export const AUDIT_CATEGORY = 'caretrail:audit-category';

/**
 * Declares the data category of a route (or of every route of a controller)
 * and so puts it in the access log: every request, allowed or denied, gets a
 * record before it is answered. Every route under /patients, /registry,
 * /admin, /audit and /fhir must carry one (audit-routes.int.spec.ts).
 */
export const AuditCategory = (category: DataCategory, options: AuditOptions = {}): MethodDecorator & ClassDecorator =>
  SetMetadata<string, AuditMetadata>(AUDIT_CATEGORY, { category, ...options });
