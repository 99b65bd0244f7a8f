import { Global, Module } from '@nestjs/common';
import { SqlPatientKeyStore, type SqlDatabase } from '@caretrail/event-store';
import { CachingPatientKeyStore } from '@caretrail/security';
import { PATIENT_KEYS, SQL_DATABASE } from '../http/tokens';
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
      inject: [SQL_DATABASE],
      useFactory: (sql: SqlDatabase) => new CachingPatientKeyStore(new SqlPatientKeyStore(sql)),
    },
    PersonalData,
  ],
  exports: [PATIENT_KEYS, PersonalData],
})
export class PrivacyModule {}
