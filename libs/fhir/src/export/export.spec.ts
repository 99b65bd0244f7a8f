import { PatientResources } from '../resources/patient-resources';
import { courseOfCare, PATIENT, sourceEvents } from '../testing/patient-log';
import { fhirProblems } from '../testing/validate';
import { exportedResources } from './export-lines';
import { parseExportRequest } from './export-request';
import { withheldEvent, WITHHELD } from './pseudonymise';

describe('the Bulk export of one patient', () => {
  const identified = PatientResources.of(PATIENT, sourceEvents(courseOfCare));
  const withheld = PatientResources.of(
    PATIENT,
    sourceEvents(courseOfCare).map((source) => ({ ...source, event: withheldEvent(source.event) })),
  );

  it('refuses parameters it does not serve, naming them', () => {
    expect(() => parseExportRequest({ _type: 'AuditEvent' })).toThrow(/^_type:/);
    expect(() => parseExportRequest({ _since: '2026-01-01' })).toThrow(/^_since:/);
    expect(() => parseExportRequest({ _outputFormat: 'text/csv' })).toThrow(/^_outputFormat:/);
    expect(() => parseExportRequest({ _pseudonymise: 'yes' })).toThrow(/^_pseudonymise:/);
    expect(() => parseExportRequest({ _elements: 'id' })).toThrow(/^_elements:/);
    expect(() => parseExportRequest({}, 'cardiology')).toThrow(/^Group:/);
  });

  it('writes every type asked for, only what changed since _since', () => {
    const all = exportedResources(identified, parseExportRequest({}));
    expect(new Set(all.map((r) => r.type)).size).toBe(11);
    const recent = exportedResources(
      identified,
      parseExportRequest({ _since: '2026-03-02T09:00:00Z', _type: 'Patient,CarePlan' }),
    );
    // The Patient was last changed by a correction on 2 March, 09:00; the plan closed then too.
    expect(recent.map((r) => r.type).sort()).toEqual(['CarePlan', 'Patient']);
  });

  it('leaves a closed plan out of its track group', () => {
    expect(exportedResources(identified, parseExportRequest({}, 'integrated'))).toEqual([]);
    expect(exportedResources(identified, parseExportRequest({}, 'all')).length).toBeGreaterThan(0);
  });

  it('pseudonymises: no patient id, no name, no personal text, and still valid R4', () => {
    const request = parseExportRequest({ _pseudonymise: 'true' });
    const lines = exportedResources(withheld, request, { pseudonym: { of: 'P-0123456789abcdef', keyId: 'k1' } });
    const text = JSON.stringify(lines);
    for (const secret of [PATIENT + '.', `Patient/${PATIENT}"`, 'Lovelace', 'King', 'ada@example.org', 'At a funeral.'])
      expect([secret, text.includes(secret)]).toEqual([secret, false]);
    expect(text).toContain(WITHHELD);
    const patient = lines.find((l) => l.type === 'Patient')!.resource;
    expect(patient).toEqual({
      resourceType: 'Patient',
      id: 'P-0123456789abcdef',
      meta: expect.any(Object),
      extension: [expect.objectContaining({ valueString: 'k1' })],
      active: true,
    });
    for (const { resource } of lines) expect(fhirProblems(resource)).toEqual([]);
  });

  it('leaves an erased patient’s Patient out', () => {
    const lines = exportedResources(identified, parseExportRequest({ _type: 'Patient,Observation' }), { erased: true });
    expect(lines.map((l) => l.type)).not.toContain('Patient');
    expect(lines.length).toBeGreaterThan(0);
  });
});
