/**
 * Where patients' data keys live: apart from the events they protect. The
 * default adapter is a table (`SqlPatientKeyStore` in @caretrail/event-store,
 * `patient_keys`); a KMS adapter replaces it with envelope encryption (the
 * table keeps each data key wrapped by a key-encryption key that never
 * leaves the KMS; destroying means deleting the wrapped key). See
 * docs/erasure.md.
 */
export interface PatientKeyStore {
  /** The patient's data key, created on first use. Throws PatientKeyDestroyed once it was destroyed. */
  getOrCreate(patientId: string): Promise<Uint8Array>;
  /** The patient's data key; null when it was destroyed (or never created). */
  get(patientId: string): Promise<Uint8Array | null>;
  /**
   * Destroys the key for good. Idempotent: `destroyedAt` is when it was first
   * destroyed, `already` tells a repeat; a patient without a key gets a
   * destroyed entry so that no key can be created for them later.
   */
  destroy(patientId: string): Promise<{ destroyedAt: string; already: boolean }>;
}

/** A new key was asked for a patient whose key was destroyed: their personal data is erased for good. */
export class PatientKeyDestroyed extends Error {
  constructor(readonly patientId: string) {
    super(`the personal data of patient ${patientId} was erased; no new personal data is accepted for them`);
    this.name = 'PatientKeyDestroyed';
  }
}

/**
 * Keeps keys in memory for `ttlMs` so the write path does not fetch one per
 * command, and remembers destroyed keys for good (destruction is final).
 * `forget` drops a patient at once: the process that erased calls it, and
 * the projections call it when they see the erasure event. Another process
 * may keep a live key up to `ttlMs` after an erasure (docs/erasure.md); it
 * can then still seal new data under the destroyed key, which is harmless:
 * that data is as unreadable as the rest.
 */
export class CachingPatientKeyStore implements PatientKeyStore {
  private readonly live = new Map<string, { key: Uint8Array; until: number }>();
  private readonly destroyed = new Set<string>();

  constructor(
    private readonly inner: PatientKeyStore,
    private readonly options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  async getOrCreate(patientId: string): Promise<Uint8Array> {
    if (this.destroyed.has(patientId)) throw new PatientKeyDestroyed(patientId);
    const cached = this.cached(patientId);
    if (cached) return cached;
    try {
      return this.remember(patientId, await this.inner.getOrCreate(patientId));
    } catch (error) {
      if (error instanceof PatientKeyDestroyed) this.markDestroyed(patientId);
      throw error;
    }
  }

  async get(patientId: string): Promise<Uint8Array | null> {
    if (this.destroyed.has(patientId)) return null;
    const cached = this.cached(patientId);
    if (cached) return cached;
    const key = await this.inner.get(patientId);
    // Null may also mean "not created yet": only a destroy is remembered as final.
    return key === null ? null : this.remember(patientId, key);
  }

  async destroy(patientId: string): Promise<{ destroyedAt: string; already: boolean }> {
    this.forget(patientId);
    const result = await this.inner.destroy(patientId);
    this.markDestroyed(patientId);
    return result;
  }

  /** Drops what is cached of a patient: the next call asks the store. */
  forget(patientId: string): void {
    this.live.delete(patientId);
    this.destroyed.delete(patientId);
  }

  private cached(patientId: string): Uint8Array | undefined {
    const entry = this.live.get(patientId);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.key;
    this.live.delete(patientId);
    return undefined;
  }

  private remember(patientId: string, key: Uint8Array): Uint8Array {
    const max = this.options.maxEntries ?? 10_000;
    if (this.live.size >= max) this.live.delete(this.live.keys().next().value as string);
    this.live.set(patientId, { key, until: this.now() + (this.options.ttlMs ?? 60_000) });
    return key;
  }

  private markDestroyed(patientId: string): void {
    this.live.delete(patientId);
    const max = this.options.maxEntries ?? 10_000;
    if (this.destroyed.size >= max) this.destroyed.delete(this.destroyed.values().next().value as string);
    this.destroyed.add(patientId);
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}
