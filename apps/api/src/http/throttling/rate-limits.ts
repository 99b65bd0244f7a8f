import { Inject, Injectable, type ExecutionContext, type INestApplicationContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  ThrottlerStorage,
  getOptionsToken,
  getStorageToken,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { ApiConfig, RateLimitConfig } from '../../config/api-config';
import { clientAddressOf } from '../connection/client-address';
import type { Middleware } from '../middleware';
import { Problem } from '../problems/problem';
import { FixedWindowStorage } from './fixed-window-storage';
import { API_CONFIG } from '../tokens';

const BY_ADDRESS = 'address';
const BY_PRINCIPAL = 'principal';

/** 429 with the seconds until the caller may send again (RFC 6585, RFC 9110 §10.2.3). */
export const tooManyRequests = (retryAfterSeconds: number): Problem =>
  new Problem(
    429,
    'TOO_MANY_REQUESTS',
    'Too many requests',
    `Too many requests; retry in ${Math.max(1, retryAfterSeconds)} s.`,
    undefined,
    { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
  );

/**
 * The throttler's options: one count per user across every route (per route is the library's default),
 * in a storage of fixed windows that the per-address middleware shares.
 */
export function throttlerOptions(config: ApiConfig): ThrottlerModuleOptions {
  const { windowMs, perPrincipal } = config.rateLimit;
  return {
    storage: new FixedWindowStorage(),
    setHeaders: false,
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      {
        name: BY_PRINCIPAL,
        ttl: windowMs,
        limit: perPrincipal,
        getTracker: (request) => (request as FastifyRequest).principal?.userId ?? '',
      },
    ],
  };
}

/**
 * The per-address limit, counted in the throttler's storage before anything
 * else runs: before the body is read, before routing (unknown paths count
 * too), before any token is verified. A refused request reaches no route, so
 * it writes nothing to the access log (docs/audit.md#unauthenticated-requests).
 */
export function addressRateLimit(app: INestApplicationContext, limits: RateLimitConfig): Middleware {
  const storage = app.get<ThrottlerStorage>(getStorageToken());
  return (request, _response, next) => {
    if (!limits.enabled) return next();
    const address = clientAddressOf(request) ?? 'not an address';
    storage
      .increment(`${BY_ADDRESS}:${address}`, limits.windowMs, limits.perAddress, limits.windowMs, BY_ADDRESS)
      .then(
        ({ isBlocked, timeToBlockExpire }) => next(isBlocked ? tooManyRequests(timeToBlockExpire) : undefined),
        next,
      );
  };
}

/**
 * The per-user limit, a global guard that runs after the AuthGuard: one
 * user's requests count together, from whichever address they come.
 */
@Injectable()
export class PrincipalThrottleGuard extends ThrottlerGuard {
  constructor(
    @Inject(getOptionsToken()) options: ThrottlerModuleOptions,
    @Inject(getStorageToken()) storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return Promise.resolve(!this.config.rateLimit.enabled || request.principal === undefined);
  }

  protected override throwThrottlingException(_: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(tooManyRequests(detail.timeToBlockExpire));
  }
}
