import { cachedFor } from './scrape-cache';

describe('cachedFor', () => {
  it('answers scrapes within the window from one load, and loads again after it', async () => {
    let now = 1_000;
    let loads = 0;
    const lag = cachedFor(
      2_000,
      () => Promise.resolve(++loads),
      () => now,
    );
    expect(await lag()).toBe(1);
    now += 1_999;
    expect(await lag()).toBe(1);
    now += 1;
    expect(await lag()).toBe(2);
  });

  it('keeps no failure: the next scrape queries again', async () => {
    let fail = true;
    const lag = cachedFor(60_000, () => (fail ? Promise.reject(new Error('database away')) : Promise.resolve(7)));
    await expect(lag()).rejects.toThrow('database away');
    fail = false;
    expect(await lag()).toBe(7);
  });
});
