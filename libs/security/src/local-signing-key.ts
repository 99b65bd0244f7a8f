import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';

export const LOCAL_ISSUER = 'caretrail-local';
export const LOCAL_AUDIENCE = 'caretrail-api';
const ALGORITHM = 'ES256';

export interface LocalSigningKey {
  privateKey: KeyLike;
  publicKey: KeyLike;
  keyId: string;
}

/** Where the embedded default keeps its token-signing key: beside the store, never inside it. */
export function localSigningKeyPath(dataDir: string): string {
  return join(dataDir, 'auth', 'signing-key.jwk.json');
}

/*
 * The API (verifying) and the command line (issuing tokens for a newcomer)
 * share this file. It is a separate file, not a row in the store, so the
 * command line never opens the store behind a running server's back.
 * Created once, exclusively, readable by the owner only.
 */
export async function loadOrCreateLocalSigningKey(dataDir: string): Promise<LocalSigningKey> {
  const path = localSigningKeyPath(dataDir);
  let jwk = readJwk(path);
  if (!jwk) {
    const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    const created: JWK = { ...(await exportJWK(privateKey)), alg: ALGORITHM, kid: `local-${Date.now().toString(36)}` };
    if (writeExclusive(path, JSON.stringify(created))) jwk = created;
    else jwk = readJwk(path); // another process created it first
    if (!jwk) throw new Error(`Could not read the signing key at ${path}`);
  }
  const privateKey = (await importJWK(jwk, ALGORITHM)) as KeyLike;
  const { d: _private, ...publicJwk } = jwk;
  const publicKey = (await importJWK(publicJwk, ALGORITHM)) as KeyLike;
  return { privateKey, publicKey, keyId: jwk.kid ?? 'local' };
}

function readJwk(path: string): JWK | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`The signing key at ${path} is unreadable: ${(error as Error).message}`);
  }
}

function writeExclusive(path: string, content: string): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
  return true;
}
