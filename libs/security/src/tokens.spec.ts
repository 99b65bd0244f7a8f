import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { localSigningKeyPath, loadOrCreateLocalSigningKey } from './local-signing-key';
import { createTokenVerifier, InvalidToken, issueLocalToken } from './tokens';

/** The roles are the caller's (the domain's list in the API); these stand in for them. */
const testRoles = ['prescriber', 'therapist', 'patient', 'admin'] as const;
const isTestRole = (value: unknown): value is (typeof testRoles)[number] =>
  typeof value === 'string' && (testRoles as readonly string[]).includes(value);

describe('local tokens', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-auth-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('verifies a token issued with the key another process created', async () => {
    const issuer = await loadOrCreateLocalSigningKey(dataDir);
    const verifier = await createTokenVerifier({ dataDir }, isTestRole);
    const token = await issueLocalToken(issuer, { userId: 'dr-lee', role: 'prescriber' });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'dr-lee', role: 'prescriber' });
  });

  it('keeps the key readable by its owner only', async () => {
    await loadOrCreateLocalSigningKey(dataDir);
    expect(statSync(localSigningKeyPath(dataDir)).mode & 0o077).toBe(0);
  });

  it('refuses an expired token', async () => {
    const key = await loadOrCreateLocalSigningKey(dataDir);
    const verifier = await createTokenVerifier({ dataDir }, isTestRole);
    const token = await issueLocalToken(key, { userId: 'u', role: 'therapist', expiresIn: '-1m' });
    await expect(verifier.verify(token)).rejects.toThrow(new InvalidToken('token expired'));
  });

  it('refuses a token signed by another key', async () => {
    const verifier = await createTokenVerifier({ dataDir }, isTestRole);
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('mallory')
      .setIssuer('caretrail-local')
      .setAudience('caretrail-api')
      .setExpirationTime('1h')
      .sign(other.privateKey);
    await expect(verifier.verify(forged)).rejects.toThrow('token signature does not verify');
  });

  it('refuses a token whose role is not a CareTrail role', async () => {
    const key = await loadOrCreateLocalSigningKey(dataDir);
    const verifier = await createTokenVerifier({ dataDir }, isTestRole);
    const token = await new SignJWT({ role: 'superuser' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('u')
      .setIssuer('caretrail-local')
      .setAudience('caretrail-api')
      .setExpirationTime('1h')
      .sign(key.privateKey);
    await expect(verifier.verify(token)).rejects.toThrow('token claim "role" is not a CareTrail role');
  });

  it('answers a token seen before from its cache until the token expires', async () => {
    const key = await loadOrCreateLocalSigningKey(dataDir);
    const verifier = await createTokenVerifier({ dataDir }, isTestRole);
    const token = await issueLocalToken(key, { userId: 'phone', role: 'patient', expiresIn: '2s' });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'phone', role: 'patient' });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'phone', role: 'patient' });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(verifier.verify(token)).rejects.toThrow('token expired');
  });

  it('refuses a token without an expiry', async () => {
    const key = await loadOrCreateLocalSigningKey(dataDir);
    const verifier = await createTokenVerifier({ dataDir }, isTestRole);
    const forever = await localClaims(new SignJWT({ role: 'admin' }), key.keyId)
      .setIssuedAt()
      .sign(key.privateKey);
    await expect(verifier.verify(forever)).rejects.toThrow(new InvalidToken('token has no expiry ("exp")'));
  });

  it('refuses a token that lives longer than the configured maximum, 12 h by default', async () => {
    const key = await loadOrCreateLocalSigningKey(dataDir);
    const verifier = await createTokenVerifier({ dataDir }, isTestRole);
    const thirteenHours = await issueLocalToken(key, { userId: 'u', role: 'therapist', expiresIn: '13h' });
    await expect(verifier.verify(thirteenHours)).rejects.toThrow(
      new InvalidToken('token lives longer than the 12 h this server accepts'),
    );
    await expect(
      verifier.verify(await issueLocalToken(key, { userId: 'u', role: 'therapist', expiresIn: '12h' })),
    ).resolves.toEqual({ userId: 'u', role: 'therapist' });

    const strict = await createTokenVerifier({ dataDir, maxLifetimeSeconds: 15 * 60 }, isTestRole);
    await expect(
      strict.verify(await issueLocalToken(key, { userId: 'u', role: 'therapist', expiresIn: '1h' })),
    ).rejects.toThrow('token lives longer than the 15 min this server accepts');
    // Without `iat`, the lifetime left from now is what counts.
    const noIssuedAt = await localClaims(new SignJWT({ role: 'patient' }), key.keyId)
      .setExpirationTime('1d')
      .sign(key.privateKey);
    await expect(verifier.verify(noIssuedAt)).rejects.toThrow('token lives longer than the 12 h this server accepts');
  });

  it('refuses garbage', async () => {
    const verifier = await createTokenVerifier({ dataDir }, isTestRole);
    await expect(verifier.verify('not.a.token')).rejects.toBeInstanceOf(InvalidToken);
  });
});

function localClaims(jwt: SignJWT, keyId: string): SignJWT {
  return jwt
    .setProtectedHeader({ alg: 'ES256', kid: keyId })
    .setSubject('u')
    .setIssuer('caretrail-local')
    .setAudience('caretrail-api');
}
