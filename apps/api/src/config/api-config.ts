import {
  eventStoreConfigFromEnv,
  shardingConfigFromEnv,
  type EventStoreConfig,
  type ShardingConfig,
} from '@caretrail/event-store';
import { authConfigFromEnv, type AuthConfig } from '@caretrail/security';

export interface ApiConfig {
  port: number;
  host: string;
  store: EventStoreConfig;
  auth: AuthConfig;
  logLevel: string;
  /** Run the read models in this process (the embedded default); false when apps/projector does. */
  runProjections: boolean;
  projectionPoisonPolicy: 'stop' | 'park';
  /**
   * How long a retry of parked events waits for the processes holding the patients' shards to carry
   * it out before answering the rest as queued (PARKED_RETRY_WAIT_MS, default 5000, 0 to 60000).
   */
  parkedRetryWaitMs: number;
  /** Shard counts and lease duration of the read models and the relay (docs/deployment.md). */
  sharding: ShardingConfig;
  /**
   * Seal personal-data fields under the patient's key before they are stored
   * (docs/erasure.md). On by default; PERSONAL_DATA_ENCRYPTION=off exists for
   * the audit-cost benchmark only: what is written then cannot be erased.
   */
  personalDataEncryption: boolean;
  /**
   * Record every touch of patient data in the access log (docs/audit.md). On
   * by default; ACCESS_LOG=off exists for the audit-cost benchmark only.
   */
  accessLog: boolean;
  /**
   * Verify the hash chains of the streams a command loads, and sweep the log
   * (docs/audit.md, "Tamper evidence"). On by default; INTEGRITY_CHECKS=off
   * exists for the audit-cost benchmark only, whose "off" side drops the hash
   * trigger: every chain would then read as broken.
   */
  integrityChecks: boolean;
  /** Fastify's `trustProxy`: which proxies' X-Forwarded-For/-Proto to believe (TRUST_PROXY; unset = none). */
  trustProxy: boolean | number | string;
  /** Requests per client address and per principal (docs/architecture.md#http-edge); `enabled: false` for benchmarks. */
  rateLimit: RateLimitConfig;
  /** How the admin console at /admin signs in (docs/deployment.md, "Admin console"). */
  console: ConsoleConfig;
}

export interface ConsoleConfig {
  /** The console's client id at the OIDC issuer; unset: the console asks for a pasted token only. */
  oidcClientId?: string;
  /** The scopes the console asks for (OIDC_CONSOLE_SCOPE; default `openid`). */
  oidcScope: string;
  /**
   * Origins the console's page may call besides its own: the issuer's (discovery) and any other the
   * issuer's token endpoint is on (OIDC_CONSOLE_CONNECT_ORIGINS, space- or comma-separated).
   */
  connectOrigins: string[];
}

export interface RateLimitConfig {
  enabled: boolean;
  /** The window the limits count in, in milliseconds. */
  windowMs: number;
  /** Requests one client address may send per window, authenticated or not. */
  perAddress: number;
  /** Requests one authenticated user may send per window, from any address. */
  perPrincipal: number;
}

/** Everything the API reads from its environment, in one place. */
export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${env['PORT']}"`);
  }
  return {
    port,
    host: env['HOST'] || '127.0.0.1',
    store: { ...eventStoreConfigFromEnv(env), applicationName: 'caretrail-api' },
    auth: authConfigFromEnv(env),
    logLevel: env['LOG_LEVEL'] || 'info',
    runProjections: env['RUN_PROJECTIONS'] !== 'false',
    projectionPoisonPolicy: env['PROJECTION_POISON_POLICY'] === 'park' ? 'park' : 'stop',
    parkedRetryWaitMs: parkedRetryWaitMs(env['PARKED_RETRY_WAIT_MS']),
    sharding: shardingConfigFromEnv(env),
    personalDataEncryption: env['PERSONAL_DATA_ENCRYPTION'] !== 'off',
    accessLog: env['ACCESS_LOG'] !== 'off',
    integrityChecks: env['INTEGRITY_CHECKS'] !== 'off',
    trustProxy: trustProxyFromEnv(env['TRUST_PROXY']),
    rateLimit: {
      enabled: env['RATE_LIMIT'] !== 'off',
      windowMs: positiveInteger(env, 'RATE_LIMIT_WINDOW_SECONDS', 60) * 1000,
      perAddress: positiveInteger(env, 'RATE_LIMIT_PER_ADDRESS', 3000),
      perPrincipal: positiveInteger(env, 'RATE_LIMIT_PER_PRINCIPAL', 1200),
    },
    console: consoleConfigFromEnv(env),
  };
}

function consoleConfigFromEnv(env: NodeJS.ProcessEnv): ConsoleConfig {
  const issuer = env['OIDC_ISSUER'] || undefined;
  const extra = (env['OIDC_CONSOLE_CONNECT_ORIGINS'] ?? '').split(/[\s,]+/).filter((o) => o !== '');
  const origins = [...(issuer ? [issuer] : []), ...extra].map((value) => originOf(value));
  return {
    oidcClientId: (issuer && env['OIDC_CONSOLE_CLIENT_ID']) || undefined,
    oidcScope: env['OIDC_CONSOLE_SCOPE'] || 'openid',
    connectOrigins: [...new Set(origins)],
  };
}

/** `https://id.example.org/realms/clinic` -> `https://id.example.org`: the page's CSP names origins. */
function originOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`OIDC_ISSUER and OIDC_CONSOLE_CONNECT_ORIGINS must be http(s) URLs, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`OIDC_ISSUER and OIDC_CONSOLE_CONNECT_ORIGINS must be http(s) URLs, got "${value}"`);
  }
  return url.origin;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function parkedRetryWaitMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 5000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 60_000)
    throw new Error(`PARKED_RETRY_WAIT_MS must be a whole number of milliseconds from 0 to 60000, got "${raw}"`);
  return value;
}

/** `true`/`false`, a hop count, or addresses and subnets as proxy-addr reads them (`loopback, 10.0.0.0/8`). */
function trustProxyFromEnv(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}
