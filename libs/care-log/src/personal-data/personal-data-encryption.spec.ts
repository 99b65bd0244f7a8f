import { personalDataFields } from '@caretrail/domain';
import type { StoredEvent } from '@caretrail/event-store';
import {
  CachingPatientKeyStore,
  ERASED_TEXT,
  generateDataKey,
  PatientKeyDestroyed,
  SealedFieldTampered,
  type PatientKeyStore,
} from '@caretrail/security';
import { decryptEventData, decryptEvents, encryptEventData } from './personal-data-encryption';

/** An in-memory key store, the port's contract in miniature. */
function memoryKeys(): PatientKeyStore & { keys: Map<string, Uint8Array | null> } {
  const keys = new Map<string, Uint8Array | null>();
  return {
    keys,
    async getOrCreate(patientId) {
      if (!keys.has(patientId)) keys.set(patientId, generateDataKey());
      const key = keys.get(patientId);
      if (!key) throw new PatientKeyDestroyed(patientId);
      return key;
    },
    async get(patientId) {
      return keys.get(patientId) ?? null;
    },
    async destroy(patientId) {
      const already = keys.has(patientId) && keys.get(patientId) === null;
      keys.set(patientId, null);
      return { destroyedAt: '2026-03-01T00:00:00.000Z', already };
    },
  };
}

const enrolled = {
  patientId: 'p-1',
  name: { given: 'Ada', family: 'Lovelace' },
  contact: { email: 'ada@example.org', phone: null },
  timeZone: 'Europe/London',
  occurredAt: '2026-03-01T08:00:00Z',
};

function stored(type: string, data: Record<string, unknown>): StoredEvent {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    type,
    schemaVersion: 1,
    streamId: `careplan-${String(data['patientId'])}`,
    streamVersion: 1,
    position: 1,
    transactionId: '1',
    recordedAt: '2026-03-01T08:00:00.000Z',
    occurredAt: null,
    data,
    metadata: {},
  };
}

describe('personal data at rest', () => {
  it('seals every personal field of the domain map and nothing else; null fields stay null', async () => {
    const keys = memoryKeys();
    const data = await encryptEventData('PatientEnrolled', enrolled, keys);
    expect(JSON.stringify(data)).not.toMatch(/Ada|Lovelace|example\.org/);
    expect(data).toMatchObject({
      patientId: 'p-1',
      timeZone: 'Europe/London',
      name: {
        given: { $enc: expect.stringMatching(/^v1:s:[\w-]+:[\w-]+:[\w-]+$/) },
        family: { $enc: expect.any(String) },
      },
      contact: { email: { $enc: expect.any(String) }, phone: null },
    });
    expect(enrolled.name.given).toBe('Ada'); // the input is not changed
    const opened = await decryptEventData(stored('PatientEnrolled', data), keys);
    expect(opened.data).toEqual(enrolled);
  });

  it('needs no key for an event without personal data', async () => {
    const keys = memoryKeys();
    const dose = { patientId: 'p-1', medicationId: 'm-1', scheduledFor: '2026-03-01T08:00:00Z' };
    expect(await encryptEventData('DoseTaken', dose, keys)).toBe(dose);
    expect(keys.keys.size).toBe(0);
  });

  it('reads an erased patient’s fields as erased, keeping their types and every clinical fact', async () => {
    const keys = memoryKeys();
    const held = await encryptEventData(
      'CaseReviewHeld',
      {
        patientId: 'p-1',
        reviewId: 'r-1',
        attendees: ['u-1'],
        decisions: ['Ada goes on'],
        occurredAt: '2026-03-01T08:00:00Z',
      },
      keys,
    );
    const goal = await encryptEventData(
      'TreatmentGoalSet',
      { patientId: 'p-1', goalId: 'g-1', description: 'Walk with Ada' },
      keys,
    );
    await keys.destroy('p-1');
    const [review, setGoal] = await decryptEvents(
      [stored('CaseReviewHeld', held), stored('TreatmentGoalSet', goal)],
      keys,
    );
    expect(review!.data).toEqual({
      patientId: 'p-1',
      reviewId: 'r-1',
      attendees: ['u-1'],
      decisions: [],
      occurredAt: '2026-03-01T08:00:00Z',
    });
    expect(setGoal!.data).toEqual({ patientId: 'p-1', goalId: 'g-1', description: ERASED_TEXT });
    await expect(
      encryptEventData('TreatmentGoalSet', { patientId: 'p-1', goalId: 'g-2', description: 'x' }, keys),
    ).rejects.toThrow(PatientKeyDestroyed);
  });

  it('refuses a sealed field moved to another patient, event type or field', async () => {
    const keys = memoryKeys();
    const a = await encryptEventData('PatientEnrolled', enrolled, keys);
    const b = await encryptEventData('PatientEnrolled', { ...enrolled, patientId: 'p-2' }, keys);
    const moved = { ...b, name: { ...(b['name'] as object), given: (a['name'] as { given: unknown }).given } };
    await expect(decryptEventData(stored('PatientEnrolled', moved), keys)).rejects.toThrow(SealedFieldTampered);
    const swapped = {
      ...a,
      name: { given: (a['name'] as { family: unknown }).family, family: (a['name'] as { given: unknown }).given },
    };
    await expect(decryptEventData(stored('PatientEnrolled', swapped), keys)).rejects.toThrow(SealedFieldTampered);
    await expect(decryptEventData(stored('CarePlanReviewed', a), keys)).rejects.toThrow(SealedFieldTampered);
  });

  it('passes plaintext written before encryption through unchanged', async () => {
    const event = stored('PatientEnrolled', enrolled);
    expect((await decryptEventData(event, memoryKeys())).data).toBe(enrolled);
  });

  // A space is not in the sealed form's alphabet (base64url): the ciphertext cannot spell it by chance.
  const SECRET = 'Ada Lovelace';

  it('round-trips a sample of every event type that has personal fields', async () => {
    const keys = memoryKeys();
    for (const [type, paths] of Object.entries(personalDataFields)) {
      const data: Record<string, unknown> = { patientId: 'p-1' };
      for (const path of paths) {
        const parts = path.split('.');
        let node = data;
        for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
        node[parts[parts.length - 1]!] = path.endsWith('s') ? [{ field: 'x', value: SECRET }] : SECRET;
      }
      const sealed = await encryptEventData(type, data, keys);
      if (paths.length > 0) expect(JSON.stringify(sealed)).not.toContain(SECRET);
      expect((await decryptEventData(stored(type, sealed), keys)).data).toEqual(data);
    }
  });
});

describe('CachingPatientKeyStore', () => {
  it('asks the store once per ttl, forgets on destroy and remembers a destroyed key for good', async () => {
    const inner = memoryKeys();
    let now = 0;
    let gets = 0;
    const counting: PatientKeyStore = { ...inner, get: (p) => (gets++, inner.get(p)) };
    const cache = new CachingPatientKeyStore(counting, { ttlMs: 1000, now: () => now });
    const key = await cache.getOrCreate('p-1');
    expect(await cache.get('p-1')).toBe(key);
    expect(gets).toBe(0);
    now = 2000;
    expect(await cache.get('p-1')).toEqual(key);
    expect(gets).toBe(1);
    await cache.destroy('p-1');
    expect(await cache.get('p-1')).toBeNull();
    await expect(cache.getOrCreate('p-1')).rejects.toThrow(PatientKeyDestroyed);
  });
});
