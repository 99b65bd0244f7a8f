import { createHash } from 'node:crypto';

/**
 * Deterministic randomness for the seed: every patient gets its own PRNG,
 * seeded from (--seed, patient number), so a patient's history does not
 * depend on how many other patients are generated or in which order.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), seeded from a hash. */
  constructor(seedMaterial: string) {
    const h = createHash('sha256').update(seedMaterial).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((sum, [, w]) => sum + w, 0);
    let u = this.next() * total;
    for (const [value, weight] of options) {
      u -= weight;
      if (u < 0) return value;
    }
    return options[options.length - 1]![0];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/**
 * Ids shaped as RFC 9562 version 8 (custom) UUIDs, derived from (--seed,
 * patient number): the patient's id, then its records' and events' ids from
 * a counter. The same seed gives the same ids; another seed other ids.
 */
export class IdSource {
  private readonly prefix: string;
  private readonly variant: string;
  private counter = 0;
  readonly patientId: string;

  constructor(seed: string, patientIndex: number) {
    const hex = createHash('sha256')
      .update(`caretrail-seed\u0000${seed}\u0000patient\u0000${patientIndex}`)
      .digest('hex');
    this.prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(12, 15)}`;
    this.variant = ((parseInt(hex[15]!, 16) & 0x3) | 0x8).toString(16) + hex.slice(16, 19);
    this.patientId = this.make(0);
  }

  /** The next id of this patient's records, events and commands. */
  next(): string {
    return this.make(++this.counter);
  }

  private make(n: number): string {
    return `${this.prefix}-${this.variant}-${n.toString(16).padStart(12, '0')}`;
  }
}
