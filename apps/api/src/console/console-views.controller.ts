import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AuditCategory } from '../http/audit/audit-category';
import { RequireRole } from '../http/auth/roles.guard';
import { ApiProblems } from '../http/problems/problem.openapi';

/** The console's pages (apps/api/console/assets/pages), as its access records name them. */
export const CONSOLE_PAGES = ['projections', 'parked', 'history', 'audit', 'relay'] as const;
export type ConsolePage = (typeof CONSOLE_PAGES)[number];

export class ConsoleViewBody {
  @ApiProperty({ enum: CONSOLE_PAGES, description: 'The console page being opened.' })
  @IsIn(CONSOLE_PAGES, { message: `$property must be one of the console's pages: ${CONSOLE_PAGES.join(', ')}` })
  page!: ConsolePage;
}

/**
 * The admin console says which page an admin opened before it loads the
 * page's data: the access log then holds one `admin console` record naming
 * the page, beside the records of the data calls the page makes
 * (docs/audit.md, "Admin console"). A non-admin is refused here first, and
 * that refusal is recorded too.
 */
@ApiTags('admin')
@ApiBearerAuth()
@RequireRole('admin')
@ApiProblems(400, 401, 403, 503)
@Controller('admin/console')
export class ConsoleViewsController {
  @Post('views')
  @AuditCategory('admin console', {
    action: 'read',
    detail: (request) => ({ page: (request.body as ConsoleViewBody).page }),
  })
  @ApiOperation({ summary: 'Record that an admin opened a page of the admin console (the access log names the page).' })
  @ApiCreatedResponse({
    description: 'Recorded: the access record names the page.',
    schema: { type: 'object', required: ['page'], properties: { page: { type: 'string', enum: [...CONSOLE_PAGES] } } },
  })
  view(@Body() { page }: ConsoleViewBody): { page: ConsolePage } {
    // The access record the route's @AuditCategory writes is the point; the answer only echoes the page.
    return { page };
  }
}
