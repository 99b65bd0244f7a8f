import { eventSchemas, eventTypes } from './events';
import { sampleEvents } from './testing/sample-events';
import { upcast, UpcastError } from './upcasting';

const v1Report = {
  patientId: 'p-1',
  sideEffectId: 'se-1',
  symptom: 'Dizziness on standing',
  severity: 'severe',
  suspectedMedicationId: 'med-sertraline',
  reportedBy: { userId: 'p-1', role: 'patient' },
  occurredAt: '2025-11-02T07:30:00Z',
};

describe('upcasting stored events', () => {
  it('reads a SideEffectReported v1 (severity only) as v2 with FIBSER unknown and the severe report urgent', () => {
    expect(upcast('SideEffectReported', 1, v1Report)).toEqual({
      type: 'SideEffectReported',
      data: { ...v1Report, fibser: null, urgent: true },
    });
  });

  it('keeps a non-severe v1 report non-urgent (no FIBSER burden was ever asked)', () => {
    const upcasted = upcast('SideEffectReported', 1, { ...v1Report, severity: 'moderate' });
    expect(upcasted.data).toMatchObject({ fibser: null, urgent: false });
  });

  it.each(eventTypes)('passes a current-version %s through unchanged', (type) => {
    expect(upcast(type, eventSchemas[type].version, sampleEvents[type].data)).toEqual(sampleEvents[type]);
  });

  it('has an upcaster chain from version 1 for every event type', () => {
    for (const type of eventTypes) {
      expect(() => upcast(type, 1, type === 'SideEffectReported' ? v1Report : sampleEvents[type].data)).not.toThrow();
    }
  });

  it('refuses a version newer than the code knows (an old deployment reading a newer log)', () => {
    expect(() => upcast('DoseTaken', 2, sampleEvents.DoseTaken.data)).toThrow(UpcastError);
    expect(() => upcast('DoseTaken', 0, sampleEvents.DoseTaken.data)).toThrow(/not readable/);
  });

  it('refuses an unknown event type instead of guessing', () => {
    expect(() => upcast('DoseSwallowed', 1, {})).toThrow(expect.objectContaining({ code: 'UNKNOWN_EVENT_TYPE' }));
  });
});
