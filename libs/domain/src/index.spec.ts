import * as domain from './index';

describe('the public entry point', () => {
  it('exposes the command table, the generic handler, the registry, the upcaster and the personal-data map', () => {
    expect(Object.keys(domain.commandDeciders)).toHaveLength(35);
    expect(domain.eventTypes).toHaveLength(36);
    expect(domain.upcast('DoseTaken', 1, { patientId: 'p-1' })).toEqual({
      type: 'DoseTaken',
      data: { patientId: 'p-1' },
    });
    expect(domain.personalDataFields.PatientEnrolled).toContain('contact.email');
    expect(new domain.PatientNotEnrolled('p-1')).toBeInstanceOf(domain.DomainError);
    expect(domain.domainErrors.map((e) => e.code)).toContain('MEDICATION_NOT_ACTIVE');
  });

  it('decides a whole enrolment through handleCommand alone', () => {
    const context = { now: '2026-03-10T12:00:00Z', actor: { userId: 'u-1', role: 'therapist' as const } };
    const command = { type: 'EnrolPatient' as const, data: { patientId: 'p-1', name: { given: 'A', family: 'B' } } };
    expect(domain.commandStreams(command, context)).toEqual({ target: 'careplan-p-1', load: ['careplan-p-1'] });
    expect(domain.handleCommand(command, [], context).map((e) => e.type)).toEqual([
      'PatientEnrolled',
      'CareTeamMemberAssigned',
    ]);
  });
});
