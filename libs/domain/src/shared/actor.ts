import type { IsoDateTime } from './time';

/**
 * Every role a CareTrail user can hold, the one list: tokens are checked
 * against it. Admin and analyst read; they never write clinical events.
 */
export const actorRoles = [
  'therapist',
  'prescriber',
  'primary-care',
  'care-manager',
  'patient',
  'admin',
  'analyst',
] as const;

export type ActorRole = (typeof actorRoles)[number];

/** Roles a member of the care team can hold (docs/domain.md). */
export type CareTeamRole = Exclude<ActorRole, 'patient' | 'admin' | 'analyst'>;

export const careTeamRoles: readonly CareTeamRole[] = ['therapist', 'prescriber', 'primary-care', 'care-manager'];

export function isActorRole(value: unknown): value is ActorRole {
  return typeof value === 'string' && (actorRoles as readonly string[]).includes(value);
}

/** The acting user: who issues a command, and who did something as recorded in event data. */
export type Actor = { readonly userId: string; readonly role: ActorRole };

/**
 * Everything the domain may not invent itself: the clock and the acting user.
 * Ids of new entities come in the command (the API generates them).
 */
export type CommandContext = { readonly now: IsoDateTime; readonly actor: Actor };

export function isCareTeamRole(role: ActorRole): role is CareTeamRole {
  return (careTeamRoles as readonly ActorRole[]).includes(role);
}

export function actorRef(actor: Actor): Actor {
  return { userId: actor.userId, role: actor.role };
}
