import type { IsoDateTime } from './time';

/** Roles a member of the care team can hold (DOMAIN.md, care team). */
export type CareTeamRole = 'therapist' | 'prescriber' | 'primary-care' | 'care-manager';

/** Roles of an authenticated user. Admin and analyst read; they never write clinical events. */
export type ActorRole = CareTeamRole | 'patient' | 'admin' | 'analyst';

export const careTeamRoles: readonly CareTeamRole[] = ['therapist', 'prescriber', 'primary-care', 'care-manager'];

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
