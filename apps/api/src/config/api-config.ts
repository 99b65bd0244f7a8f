import { eventStoreConfigFromEnv, type EventStoreConfig } from '@caretrail/event-store';
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
    personalDataEncryption: env['PERSONAL_DATA_ENCRYPTION'] !== 'off',
    accessLog: env['ACCESS_LOG'] !== 'off',
  };
}
