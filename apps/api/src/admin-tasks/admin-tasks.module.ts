import { Module } from '@nestjs/common';
import { AdminTasksController } from './admin-tasks.controller';

/** The command line's store-opening tasks, run inside the server for admins. */
@Module({ controllers: [AdminTasksController] })
export class AdminTasksModule {}
