import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalSigningKey, type LocalSigningKey } from './local-signing-key';

export interface AuthConfig {
  /** OIDC issuer; when set, tokens are verified against its JWKS. */
  issuer?: string;
  audience?: string;
  /** JWKS address; default `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string;
  /** Claim holding the CareTrail role; default `role`. */
  roleClaim?: string;
  /** The embedded default's directory holding the local signing key. */
  dataDir: string;
  /**
   * The longest lifetime a token may have, in seconds (default 12 h): a
   * leaked token must stop working on its own, so one without `exp`, or
   * issued for longer than this, is refused.
   */
  maxLifetimeSeconds?: number;
}

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  return {
    issuer: env['OIDC_ISSUER'] || undefined,
    audience: env['OIDC_AUDIENCE'] || undefined,
    jwksUri: env['OIDC_JWKS_URI'] || undefined,
    roleClaim: env['OIDC_ROLE_CLAIM'] || 'role',
    dataDir: env['DATA_DIR'] || './data',
    maxLifetimeSeconds: positiveSeconds(env['TOKEN_MAX_LIFETIME_SECONDS'], 'TOKEN_MAX_LIFETIME_SECONDS'),
  };
}

function positiveSeconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`${name} must be a whole number of seconds above 0`);
  return seconds;
}

/** Why a token was refused; the message is safe to show to the caller. */
export class InvalidToken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidToken';
  }
}

/** Who a verified token names: its subject and the role its role claim holds. */
export interface TokenSubject<Role extends string = string> {
  userId: string;
  role: Role;
}

export interface TokenVerifier<Role extends string = string> {
  verify(token: string): Promise<TokenSubject<Role>>;
}

/**
 * Verifies bearer tokens: against the OIDC issuer when configured, else the
 * local key. The role claim must pass `isRole`: the roles are the domain's
 * (`actorRoles` in libs/domain), which this library may not import.
 */
export async function createTokenVerifier<Role extends string>(
  config: AuthConfig,
  isRole: (value: unknown) => value is Role,
): Promise<TokenVerifier<Role>> {
  const roleClaim = config.roleClaim ?? 'role';
  const maxLifetime = config.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  let key: KeyLike | JWTVerifyGetKey;
  let issuer: string;
  let audience: string | undefined;
  if (config.issuer) {
    issuer = config.issuer;
    audience = config.audience;
    key = createRemoteJWKSet(new URL(config.jwksUri ?? `${config.issuer.replace(/\/$/, '')}/.well-known/jwks.json`));
  } else {
    key = (await loadOrCreateLocalSigningKey(config.dataDir)).publicKey;
    issuer = LOCAL_ISSUER;
    audience = LOCAL_AUDIENCE;
  }
  const verified = new VerifiedTokenCache<Role>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) return known;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key as KeyLike, { issuer, audience }));
      } catch (error) {
        throw new InvalidToken(describe(error));
      }
      checkLifetime(payload, maxLifetime);
      const role = payload[roleClaim];
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new InvalidToken('token has no subject');
      if (!isRole(role)) throw new InvalidToken(`token claim "${roleClaim}" is not a CareTrail role`);
      const principal = { userId: payload.sub, role };
      verified.set(token, principal, (payload.exp as number) * 1000);
      return principal;
    },
  };
}

/**
 * A token must say when it ends, and end within `maxSeconds` of being issued
 * (of now, when it does not say when it was issued).
 */
function checkLifetime(payload: JWTPayload, maxSeconds: number): void {
  if (typeof payload.exp !== 'number') throw new InvalidToken('token has no expiry ("exp")');
  const from = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
  if (payload.exp - from > maxSeconds) {
    throw new InvalidToken(`token lives longer than the ${formatSeconds(maxSeconds)} this server accepts`);
  }
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/*
 * A phone sends the same token with every dose for hours: checking its
 * signature once per token, not per request, saves about a tenth of the
 * API's CPU. Entries end with the token's own expiry; the cache is bounded.
 */
class VerifiedTokenCache<Role extends string> {
  private readonly entries = new Map<string, { principal: TokenSubject<Role>; expiresAt: number }>();

  constructor(private readonly capacity = 10_000) {}

  get(token: string): TokenSubject<Role> | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: TokenSubject<Role>, expiresAt: number): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { principal, expiresAt });
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim "${error.claim}" is not valid here`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature does not verify';
  return 'token is malformed or not signed by a trusted key';
}

export interface IssueTokenOptions {
  userId: string;
  role: string;
  /** Lifetime, e.g. '8h' (default) or '15m'. */
  expiresIn?: string;
}

/** Signs a token with the local key: the embedded default's way for a newcomer to call the API. */
export async function issueLocalToken(
  key: LocalSigningKey,
  { userId, role, expiresIn = '8h' }: IssueTokenOptions,
): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'ES256', kid: key.keyId })
    .setSubject(userId)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}
