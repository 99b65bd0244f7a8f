import { ERASED_TEXT, generateDataKey, SealedFieldTampered } from '@caretrail/security';
import {
  hasSealedRowField,
  holdsPersonalData,
  openReadModelRow,
  openReadModelRowWith,
  sealReadModelRow,
} from './read-model-rows';

const owner = { readModel: 'collaboration', patientId: 'p-1' };
const fields = ['sideEffects.*.symptom', 'log.*.event.data.reason', 'context.conditions'];

const row = {
  patientId: 'p-1',
  sideEffects: {
    'se-1': { severity: 'mild', symptom: 'Ada feels dizzy' },
    'se-2': { severity: 'severe', symptom: null },
  },
  log: [
    { id: 'e-1', event: { type: 'TreatmentTrackChanged', data: { to: 'medication-only', reason: 'Ada asked' } } },
    { id: 'e-2', event: { type: 'TherapyPrescribed', data: { modality: 'cbt' } } },
  ],
  context: { conditions: [{ code: 'E11', description: "Ada's diabetes" }] },
};

describe('personal data in read-model rows', () => {
  it('seals every listed field, wherever the wildcards reach, and nothing else; opens it back', () => {
    const key = generateDataKey();
    expect(holdsPersonalData(row, fields)).toBe(true);
    const sealed = sealReadModelRow(row, fields, key, owner);
    expect(JSON.stringify(sealed)).not.toContain('Ada');
    expect(sealed).toMatchObject({
      patientId: 'p-1',
      sideEffects: { 'se-1': { severity: 'mild', symptom: { $enc: expect.stringMatching(/^v1:s:/) } } },
      log: [{ event: { data: { to: 'medication-only', reason: { $enc: expect.any(String) } } } }, {}],
      context: { conditions: { $enc: expect.stringMatching(/^v1:a:/) } },
    });
    expect(sealed.sideEffects['se-2'].symptom).toBeNull();
    expect(row.sideEffects['se-1'].symptom).toBe('Ada feels dizzy'); // the input is not changed
    expect(hasSealedRowField(sealed)).toBe(true);
    expect(holdsPersonalData(sealed, fields)).toBe(false);
    expect(sealReadModelRow(sealed, fields, key, owner)).toEqual(sealed); // sealed fields stay as they are
    expect(openReadModelRow(sealed, key, owner)).toEqual(row);
  });

  it('writes an erased patient’s fields as erased, keeping their types', () => {
    const erased = sealReadModelRow(row, fields, null, owner);
    expect(JSON.stringify(erased)).not.toContain('Ada');
    expect(erased.sideEffects['se-1'].symptom).toBe(ERASED_TEXT);
    expect(erased.context.conditions).toEqual([]);
    expect(erased.log[1]).toEqual(row.log[1]);
  });

  it('reads sealed fields as erased once the key is gone', async () => {
    const sealed = sealReadModelRow(row, fields, generateDataKey(), owner);
    const opened = await openReadModelRowWith(sealed, { get: () => Promise.resolve(null) }, owner);
    expect(opened.sideEffects['se-1'].symptom).toBe(ERASED_TEXT);
    expect(opened.log[0]!.event.data).toEqual({ to: 'medication-only', reason: ERASED_TEXT });
  });

  it('asks for no key when the row holds nothing sealed, and shares it as it is', async () => {
    const plain = { patientId: 'p-1', days: { '2026-03': { '01': { onTime: 1 } } } };
    const keys = { get: jest.fn(() => Promise.resolve(null)) };
    expect(await openReadModelRowWith(plain, keys, owner)).toBe(plain);
    expect(keys.get).not.toHaveBeenCalled();
  });

  it('refuses a field moved to another row, another path or another read model', () => {
    const key = generateDataKey();
    const sealed = sealReadModelRow(row, fields, key, owner);
    const moved = { ...sealed, sideEffects: { 'se-2': sealed.sideEffects['se-1'] } };
    expect(() => openReadModelRow(moved, key, owner)).toThrow(SealedFieldTampered);
    expect(() => openReadModelRow(sealed, key, { ...owner, patientId: 'p-2' })).toThrow(SealedFieldTampered);
    expect(() => openReadModelRow(sealed, key, { ...owner, readModel: 'current-plan' })).toThrow(SealedFieldTampered);
  });
});
