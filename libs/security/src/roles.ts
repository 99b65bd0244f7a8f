/** Every role a CareTrail user can hold. */
export const roles = [
  'therapist',
  'prescriber',
  'primary-care',
  'care-manager',
  'patient',
  'admin',
  'analyst',
] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** The authenticated caller, as the API and the event metadata know it. */
export interface Principal {
  userId: string;
  role: Role;
}
