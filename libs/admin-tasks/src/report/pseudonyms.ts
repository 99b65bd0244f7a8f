import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pseudonymizer {
  pseudonymOf(patientId: string): string;
  /** Names the key without revealing it: reports made with the same key can be compared. */
  keyId: string;
  source: 'ANALYTICS_PSEUDONYM_KEY' | 'file';
}

/**
 * Stable pseudonyms from a keyed hash, HMAC-SHA256(key, patient id): the same patient always gets
 * the same pseudonym under one key, and without the key nobody can go back from a pseudonym to
 * an id by hashing candidate ids. The key comes from ANALYTICS_PSEUDONYM_KEY, else from
 * DATA_DIR/analytics/pseudonym.key, created (32 random bytes, mode 0600) on first use.
 */
export function loadPseudonymizer(env: NodeJS.ProcessEnv = process.env): Pseudonymizer {
  const fromEnv = env['ANALYTICS_PSEUDONYM_KEY'];
  let key: string;
  let source: Pseudonymizer['source'];
  if (fromEnv) {
    if (fromEnv.length < 16) throw new Error('ANALYTICS_PSEUDONYM_KEY must be at least 16 characters long');
    key = fromEnv;
    source = 'ANALYTICS_PSEUDONYM_KEY';
  } else {
    const dir = join(env['DATA_DIR'] || './data', 'analytics');
    const path = join(dir, 'pseudonym.key');
    if (!existsSync(path)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
    }
    key = readFileSync(path, 'utf8').trim();
    source = 'file';
  }
  const hmac = (text: string): string => createHmac('sha256', key).update(text, 'utf8').digest('hex');
  return {
    pseudonymOf: (patientId) => `P-${hmac(`patient:${patientId}`).slice(0, 16)}`,
    keyId: hmac('caretrail:pseudonym-key-id').slice(0, 12),
    source,
  };
}
