import { searchBundle } from '../bundle';
import { capabilityStatement } from '../capability-statement';
import { auditEventOf } from '../audit-event';
import { PatientResources } from '../resources/patient-resources';
import { courseOfCare, PATIENT, sourceEvents } from '../testing/patient-log';
import { fhirProblems } from '../testing/validate';
import { matching, parseSearch } from './search';
import { FhirSearchError } from './search-error';

const resources = PatientResources.of(PATIENT, sourceEvents(courseOfCare));

describe('FHIR search', () => {
  it('filters by code, status and date with the precision of the value given', () => {
    const byCode = parseSearch('Observation', { patient: `Patient/${PATIENT}`, code: 'http://loinc.org|44261-6' });
    expect(matching(byCode, resources.current('Observation')).map((o) => o.id)).toEqual([`${PATIENT}.112`]);
    const notDone = parseSearch('MedicationAdministration', { patient: PATIENT, status: 'not-done' });
    expect(matching(notDone, resources.current('MedicationAdministration'))).toHaveLength(1);
    const inMarch = parseSearch('Appointment', { patient: PATIENT, date: ['ge2026-03', 'lt2026-03-13'] });
    expect(matching(inMarch, resources.current('Appointment'))).toHaveLength(1);
    const before = parseSearch('Appointment', { patient: PATIENT, date: 'lt2026-03-12' });
    expect(matching(before, resources.current('Appointment'))).toHaveLength(0);
  });

  it('refuses a parameter the type does not have, naming it', () => {
    expect(() => parseSearch('Patient', { status: 'active' })).toThrow(FhirSearchError);
    expect(() => parseSearch('Observation', { date: '2026-13-40x' })).toThrow(/date: must be a date/);
    expect(() => parseSearch('Observation', { _count: '-1' })).toThrow(/_count: must be a whole number/);
    expect(() => parseSearch('Observation', { _include: 'Observation:performer' })).toThrow(/_include/);
    expect(() => parseSearch('AuditEvent', { _include: 'AuditEvent:patient' })).toThrow(/_include/);
    expect(() => parseSearch('Observation', { status: ['final', 'amended'] })).toThrow(/status: may be given once/);
    expect(() => parseSearch('Observation', { date: 'xx2026' })).toThrow(/date: the prefix/);
    expect(() => parseSearch('Observation', { date: '2026-03-02T10:00' })).toThrow(/time zone/);
    expect(() => parseSearch('Observation', { patient: 'Group/x' })).toThrow(/patient:/);
    expect(() => parseSearch('Observation', { _format: 'xml' })).toThrow(/_format/);
  });

  it('pages with next and previous links that carry the query', () => {
    const search = parseSearch('Provenance', { patient: PATIENT, _count: '10', _offset: '10' });
    const query = new URLSearchParams({ patient: PATIENT, _count: '10', _offset: '10' });
    const bundle = searchBundle('http://x/fhir/R4', search, query, matching(search, resources.current('Provenance')));
    expect(bundle.total).toBe(courseOfCare.length);
    expect(bundle.entry).toHaveLength(10);
    expect(Object.fromEntries(bundle.link!.map((l) => [l.relation, l.url]))).toMatchObject({
      next: `http://x/fhir/R4/Provenance?patient=${PATIENT}&_count=10&_offset=20`,
      previous: `http://x/fhir/R4/Provenance?patient=${PATIENT}&_count=10&_offset=0`,
    });
    expect(fhirProblems(bundle)).toEqual([]);
  });

  it('states its capabilities and audit events in valid R4', () => {
    expect(fhirProblems(capabilityStatement('http://x/fhir/R4', { version: '0.1.0', date: '2026-01-01' }))).toEqual([]);
    const audit = auditEventOf({
      id: 7,
      recordedAt: '2026-03-02T08:00:00.000Z',
      userId: 'u-1',
      role: 'therapist',
      patientId: PATIENT,
      category: 'outcomes',
      action: 'read',
      outcome: 'denied',
      status: 403,
      method: 'GET',
      route: '/fhir/R4/Observation',
      clientAddress: '127.0.0.1',
      correlationId: 'c-1',
    });
    expect(audit.outcome).toBe('4');
    expect(fhirProblems(audit)).toEqual([]);
  });
});
