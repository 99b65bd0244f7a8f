import { compareCheckpoints, leaseMsFrom, shardCountFrom, shardingConfigFromEnv, shardKeyOf, shardOf } from './shards';

describe('patient shards', () => {
  it('hashes a patient to the same shard everywhere (FNV-1a, pinned values)', () => {
    // Changing these values moves every patient to another shard: a new generation, not an edit.
    expect(shardOf('', 16)).toBe(0x811c9dc5 % 16);
    expect(shardOf('a', 1 << 30)).toBe(0xe40c292c % (1 << 30));
    expect(shardOf('p-0001', 16)).toBe(9);
    expect(shardOf('ü', 1 << 30)).toBe(fnv1a(Buffer.from('ü', 'utf8')) % (1 << 30));
  });

  it('spreads patients over the shards', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(`patient-${i}`, 16)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });

  it('shards an event by its patient, else by its stream', () => {
    expect(shardKeyOf({ data: { patientId: 'p1' }, streamId: 'careplan-p1' })).toBe('p1');
    expect(shardKeyOf({ data: {}, streamId: 'user-7' })).toBe('user-7');
  });

  it('orders checkpoints by transaction id, then position', () => {
    expect(compareCheckpoints({ transactionId: '9', position: 50 }, { transactionId: '10', position: 1 })).toBe(-1);
    expect(compareCheckpoints({ transactionId: '10', position: 2 }, { transactionId: '10', position: 1 })).toBe(1);
    expect(compareCheckpoints({ transactionId: '10', position: 1 }, { transactionId: '10', position: 1 })).toBe(0);
  });

  it('reads the shard count and lease from the environment, refusing nonsense by name', () => {
    expect(shardingConfigFromEnv({})).toEqual({ projectionShards: 16, relayShards: 16, leaseMs: 6000 });
    expect(shardingConfigFromEnv({ PROJECTION_SHARDS: '4', RELAY_SHARDS: '8', SHARD_LEASE_MS: '3000' })).toEqual({
      projectionShards: 4,
      relayShards: 8,
      leaseMs: 3000,
    });
    expect(() => shardCountFrom('0', 'PROJECTION_SHARDS')).toThrow(/PROJECTION_SHARDS must be a whole number/);
    expect(() => shardCountFrom('2.5', 'RELAY_SHARDS')).toThrow(/RELAY_SHARDS/);
    expect(() => leaseMsFrom('500', 'SHARD_LEASE_MS', 10_000)).toThrow(/SHARD_LEASE_MS must be a lease duration/);
  });
});

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}
