import { domainErrors } from './errors';
import { MedicationNotActive } from './doses/errors';
import { DomainError, NotOnCareTeam } from './shared/errors';

describe('domain errors', () => {
  it('each has a distinct, stable, machine-readable code', () => {
    const codes = domainErrors.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z_]+$/);
  });

  it('each has one of the four kinds the HTTP layer maps', () => {
    for (const error of domainErrors) expect(['forbidden', 'not-found', 'conflict', 'rule']).toContain(error.kind);
  });

  it('every class is a DomainError, and instances carry the class code and kind', () => {
    for (const ErrorClass of domainErrors) expect(ErrorClass.prototype).toBeInstanceOf(DomainError);
    const error = new MedicationNotActive('med-1', '2026-03-02T08:00:00Z');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'MEDICATION_NOT_ACTIVE', kind: 'rule', name: 'MEDICATION_NOT_ACTIVE' });
    expect(error.message).toBe('Medication med-1 is not active at 2026-03-02T08:00:00Z.');
    expect(new NotOnCareTeam('u-1', 'p-1')).toMatchObject({ code: NotOnCareTeam.code, kind: 'forbidden' });
  });
});
