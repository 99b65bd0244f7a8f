import { isStreamOfPatient, streamCategory, streams } from './streams';

describe('stream names', () => {
  it('name every stream after its patient and capability', () => {
    expect(streams.carePlan('p-1')).toBe('careplan-p-1');
    expect(streams.session('p-1', 's-9')).toBe('session-p-1-s-9');
    expect(streams.doses('p-1', '2026-03-02T08:00:00Z')).toBe('doses-p-1-2026-03');
    expect(streams.sideEffect('p-1', 'se-1')).toBe('sideeffect-p-1-se-1');
    expect(streams.outcomes('p-1', '2026-03-02T08:00:00Z')).toBe('outcomes-p-1-2026');
    expect(streams.consultation('p-1', 'c-1')).toBe('consultation-p-1-c-1');
    expect(streams.collaboration('p-1', '2026-03-02T08:00:00Z')).toBe('collaboration-p-1-2026');
  });

  it('reads the category back and recognises the owning patient', () => {
    expect(streamCategory('doses-p-1-2026-03')).toBe('doses');
    expect(streamCategory('projection-x')).toBeNull();
    expect(isStreamOfPatient('careplan-p-1', 'p-1')).toBe(true);
    expect(isStreamOfPatient('careplan-p-12', 'p-1')).toBe(false);
    expect(isStreamOfPatient('doses-p-2-2026-03', 'p-1')).toBe(false);
  });
});
