import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  ThrottlerStorage,
  getOptionsToken,
  getStorageToken,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import type { Request } from 'express';
import type { ApiConfig } from '../../config/api-config';
import { Problem } from '../problems/problem';
import { API_CONFIG } from '../tokens';

export const BY_ADDRESS = 'address';
export const BY_PRINCIPAL = 'principal';

/** 429 with the seconds until the caller may send again (RFC 6585, RFC 9110 §10.2.3). */
export const tooManyRequests = (retryAfterSeconds: number): Problem =>
  new Problem(
    429,
    'too-many-requests',
    'Too many requests',
    `Too many requests; retry in ${retryAfterSeconds} s.`,
    undefined,
    { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
  );

/** The throttler's module options: one global count per address and per user, not per route. */
export function throttlerOptions(config: ApiConfig): ThrottlerModuleOptions {
  const { windowMs, perAddress, perPrincipal } = config.rateLimit;
  return {
    setHeaders: false,
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      { name: BY_ADDRESS, ttl: windowMs, limit: perAddress, getTracker: (request) => addressOf(request as Request) },
      {
        name: BY_PRINCIPAL,
        ttl: windowMs,
        limit: perPrincipal,
        getTracker: (request) => (request as Request).principal?.userId ?? '',
      },
    ],
  };
}

const addressOf = (request: Request): string => request.ip ?? request.socket.remoteAddress ?? 'unknown';

/** The throttler's guard restricted to one of the named throttlers, answering with a problem. */
abstract class OneThrottleGuard extends ThrottlerGuard {
  protected abstract readonly throttlerName: string;

  constructor(
    @Inject(getOptionsToken()) options: ThrottlerModuleOptions,
    @Inject(getStorageToken()) storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(): Promise<boolean> {
    return Promise.resolve(!this.config.rateLimit.enabled);
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    return request.throttler.name === this.throttlerName && this.applies(request.context)
      ? super.handleRequest(request)
      : Promise.resolve(true);
  }

  protected applies(_context: ExecutionContext): boolean {
    return true;
  }

  protected override throwThrottlingException(_: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(tooManyRequests(detail.timeToBlockExpire));
  }
}

/** Runs before authentication, so a flood without a valid token is refused before any token is verified. */
@Injectable()
export class AddressThrottleGuard extends OneThrottleGuard {
  protected readonly throttlerName = BY_ADDRESS;
}

/** Runs after authentication: one user's requests count together, from whichever address they come. */
@Injectable()
export class PrincipalThrottleGuard extends OneThrottleGuard {
  protected readonly throttlerName = BY_PRINCIPAL;

  protected override applies(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<Request>().principal !== undefined;
  }
}
