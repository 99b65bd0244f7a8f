import { Global, Module } from '@nestjs/common';
import { SqlPatientKeyStore, type SqlEventStore } from '@caretrail/event-store';
import { CachingPatientKeyStore } from '@caretrail/security';
import { EVENT_STORE, PATIENT_KEYS } from '../http/tokens';
import { ErasureController } from './erasure.controller';
import { PersonalData } from './personal-data';

export { PersonalData };

/** Patients' data keys (the `patient_keys` table by default), encryption at rest, and erasure. */
@Global()
@Module({
  controllers: [ErasureController],
  providers: [
    {
      provide: PATIENT_KEYS,
      inject: [EVENT_STORE],
      useFactory: (store: SqlEventStore) => new CachingPatientKeyStore(new SqlPatientKeyStore(store.database)),
    },
    PersonalData,
  ],
  exports: [PATIENT_KEYS, PersonalData],
})
export class PrivacyModule {}
