import { FixedWindowStorage } from './fixed-window-storage';

describe('FixedWindowStorage', () => {
  let now = 0;
  const storage = () => new FixedWindowStorage(() => now);
  beforeEach(() => (now = 1_000_000));

  it('lets `limit` requests through per window, then blocks for the block duration', async () => {
    const counts = storage();
    for (let i = 1; i <= 3; i++) {
      expect(await counts.increment('a', 60_000, 3, 30_000)).toMatchObject({ totalHits: i, isBlocked: false });
    }
    expect(await counts.increment('a', 60_000, 3, 30_000)).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    now += 10_000;
    expect(await counts.increment('a', 60_000, 3, 30_000)).toMatchObject({ isBlocked: true, timeToBlockExpire: 20 });
    now += 20_000;
    // The block is over, the window (60 s) is not: still counted against it.
    expect(await counts.increment('a', 60_000, 3, 30_000)).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    now += 60_000;
    expect(await counts.increment('a', 60_000, 3, 30_000)).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it("keeps keys apart: one key's block and its end change nothing for another", async () => {
    const counts = storage();
    await counts.increment('b', 60_000, 2, 60_000);
    await counts.increment('b', 60_000, 2, 60_000);
    for (let i = 0; i < 5; i++) await counts.increment('a', 60_000, 2, 60_000);
    now += 60_000;
    expect(await counts.increment('a', 60_000, 2, 60_000)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await counts.increment('b', 60_000, 2, 60_000)).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('forgets keys whose window and block are over', async () => {
    const counts = storage();
    for (let i = 0; i < 100; i++) await counts.increment(`k${i}`, 60_000, 5, 60_000);
    expect(counts.size).toBe(100);
    now += 60_000;
    await counts.increment('fresh', 60_000, 5, 60_000);
    expect(counts.size).toBe(1);
  });
});
