import { eventTypes } from './events';
import { personalDataFields, redactPersonalData } from './personal-data';
import { sampleEvents } from './testing/sample-events';

function valueAt(data: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
      data,
    );
}

describe('personal data map', () => {
  it.each(eventTypes)('every personal-data path of %s exists in its data', (type) => {
    for (const path of personalDataFields[type]) expect(valueAt(sampleEvents[type].data, path)).not.toBeUndefined();
  });

  it('covers names, contact details and free text', () => {
    expect(personalDataFields.PatientEnrolled).toEqual(
      expect.arrayContaining(['name.given', 'name.family', 'contact.email', 'contact.phone']),
    );
    expect(personalDataFields.CollaborationNoteShared).toContain('body');
    expect(personalDataFields.SideEffectReported).toContain('symptom');
  });

  it('redacts every listed field and keeps the clinical facts', () => {
    const redacted = redactPersonalData(sampleEvents.PatientEnrolled);
    expect(redacted.data).toMatchObject({
      name: { given: null, family: null },
      contact: { email: null, phone: null },
      timeZone: 'Europe/Berlin',
    });
    expect(sampleEvents.PatientEnrolled.data.name.given).toBe('Ada');
  });

  it('leaves no personal field of any sample event readable after redaction', () => {
    for (const type of eventTypes) {
      const redacted = redactPersonalData(sampleEvents[type]);
      for (const path of personalDataFields[type]) expect(valueAt(redacted.data, path)).toBeNull();
    }
  });
});
