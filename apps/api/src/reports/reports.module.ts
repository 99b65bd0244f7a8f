import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';

/** Analysts' reports over de-identified data. */
@Module({ controllers: [ReportsController] })
export class ReportsModule {}
