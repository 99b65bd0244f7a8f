import { Controller, Get, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AuditCategory } from '../http/audit/audit-category';
import { AuditRoutes } from './audit-routes';

@AuditCategory('doses')
@Controller('patients')
class DeclaredController {
  @Post(':patientId/doses/taken')
  taken(): string {
    return 'ok';
  }
}

@Controller('patients/:patientId')
class ForgetfulController {
  @AuditCategory('care plan')
  @Get('plan')
  plan(): string {
    return 'ok';
  }

  @Get('secrets')
  secrets(): string {
    return 'ok';
  }
}

@Controller('health')
class HealthController {
  @Get()
  health(): string {
    return 'ok';
  }
}

describe('audit declarations of routes', () => {
  it('names every route under /patients, /registry, /admin or /audit that declares no data category', async () => {
    const module = await Test.createTestingModule({
      imports: [DiscoveryModule],
      controllers: [DeclaredController, ForgetfulController, HealthController],
      providers: [AuditRoutes],
    }).compile();
    await module.init();
    const routes = module.get(AuditRoutes);
    expect(routes.undeclared().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /patients/:patientId/secrets']);
    expect(routes.all().find((r) => r.path === '/patients/:patientId/doses/taken')).toMatchObject({
      method: 'POST',
      successStatus: 201,
      audit: { category: 'doses' },
    });
    expect(routes.all().find((r) => r.path === '/patients/:patientId/plan')?.audit?.category).toBe('care plan');
    await module.close();
  });
});
