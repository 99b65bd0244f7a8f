import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { isActorRole } from '@caretrail/domain';
import { createTokenVerifier } from '@caretrail/security';
import type { ApiConfig } from '../../config/api-config';
import { API_CONFIG, TOKEN_VERIFIER } from '../tokens';
import { AuthGuard } from './auth.guard';

@Global()
@Module({
  providers: [
    {
      provide: TOKEN_VERIFIER,
      inject: [API_CONFIG],
      useFactory: (config: ApiConfig) => createTokenVerifier(config.auth, isActorRole),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TOKEN_VERIFIER],
})
export class AuthModule {}
