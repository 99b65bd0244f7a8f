import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isActorRole } from '@caretrail/domain';
import { createTokenVerifier } from '@caretrail/security';
import { run } from './main';

describe('npm run cli -- token', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-cli-'));
  const env = process.env;
  beforeEach(() => (process.env = { ...env, DATA_DIR: dataDir }));
  afterAll(() => {
    process.env = env;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(
      argv,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints a token the API accepts for that user and role', async () => {
    const { code, out } = await call('token', '--user', 'dr-okafor', '--role', 'prescriber');
    expect(code).toBe(0);
    const verifier = await createTokenVerifier({ dataDir }, isActorRole);
    await expect(verifier.verify(out)).resolves.toEqual({ userId: 'dr-okafor', role: 'prescriber' });
  });

  it('refuses an unknown role, naming the allowed ones', async () => {
    const { code, err } = await call('token', '--user', 'u1', '--role', 'root');
    expect(code).toBe(2);
    expect(err).toContain('--role must be one of: therapist, prescriber');
  });

  it('refuses a missing user and unknown options', async () => {
    expect((await call('token', '--role', 'patient')).err).toContain('--user is required');
    expect((await call('token', '--user', 'u1', '--role', 'patient', '--admin')).code).toBe(2);
  });

  it('refuses to mint local tokens when an OIDC issuer is configured', async () => {
    process.env['OIDC_ISSUER'] = 'https://id.example.org';
    const { code, err } = await call('token', '--user', 'u1', '--role', 'patient');
    expect(code).toBe(2);
    expect(err).toContain('OIDC_ISSUER is set');
  });

  it('explains unknown commands', async () => {
    const { code, err } = await call('frobnicate');
    expect(code).toBe(2);
    expect(err).toContain('Unknown command "frobnicate"');
  });
});
