import { Module } from '@nestjs/common';
import { ConsoleViewsController } from './console-views.controller';

/** The admin console's one route of its own; its shell is served by `consoleShell` (app.ts). */
@Module({ controllers: [ConsoleViewsController] })
export class ConsoleModule {}
