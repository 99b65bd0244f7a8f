import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { isActorRole } from '@caretrail/domain';
import { createTokenVerifier } from '@caretrail/security';
import type { ApiConfig } from '../../config/api-config';
import { API_CONFIG, TOKEN_VERIFIER } from '../tokens';
import { PrincipalThrottleGuard, throttlerOptions } from '../throttling/rate-limits';
import { AuthGuard } from './auth.guard';

/**
 * Global guards run in the order they are provided here: the per-user limit
 * once the token says who is asking (docs/architecture.md#http-edge). The
 * per-address limit runs earlier, as middleware (app.ts).
 */
@Global()
@Module({
  imports: [ThrottlerModule.forRootAsync({ inject: [API_CONFIG], useFactory: throttlerOptions })],
  providers: [
    {
      provide: TOKEN_VERIFIER,
      inject: [API_CONFIG],
      useFactory: (config: ApiConfig) => createTokenVerifier(config.auth, isActorRole),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: PrincipalThrottleGuard },
  ],
  exports: [TOKEN_VERIFIER],
})
export class AuthModule {}
