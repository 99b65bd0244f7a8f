import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isActorRole } from '@caretrail/domain';
import { createTokenVerifier } from '@caretrail/security';
import { runCli } from './testing/run-cli';

describe('npm run cli -- token', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-cli-'));
  const env = process.env;
  beforeEach(() => (process.env = { ...env, DATA_DIR: dataDir }));
  afterAll(() => {
    process.env = env;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = runCli;

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

  it.each([
    ['token', 'npm run cli -- token --user'],
    ['audit', 'npm run cli -- audit verify'],
    ['audit verify', 'npm run cli -- audit verify'],
    ['audit export', 'npm run cli -- audit export'],
    ['patient', 'npm run cli -- patient <patientId>'],
    ['report effectiveness', 'npm run cli -- report effectiveness'],
    ['replay', 'npm run cli -- replay --to'],
    ['seed', 'npm run cli -- seed [--patients N | --events N]'],
    ['projections rebuild', 'npm run cli -- projections status'],
  ])('"%s --help" prints that command\'s usage and exits 0 without running it', async (command, usage) => {
    for (const help of ['--help', '-h']) {
      const { code, out, err } = await call(...command.split(' '), help);
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(out).toContain(usage);
      // One command's usage, not the whole list.
      expect(out).not.toContain(command === 'token' ? 'npm run cli -- seed' : 'npm run cli -- token');
    }
  });

  it('prints every command\'s usage for --help and one command\'s for "help <command>"', async () => {
    const all = await call('--help');
    expect(all.code).toBe(0);
    for (const name of ['token', 'audit verify', 'audit export', 'patient', 'report', 'replay', 'seed', 'projections'])
      expect(all.out).toContain(`npm run cli -- ${name}`);
    const one = await call('help', 'seed');
    expect(one.code).toBe(0);
    expect(one.out).toContain('npm run cli -- seed');
    expect(one.out).not.toContain('npm run cli -- replay');
  });

  it('explains unknown commands', async () => {
    const { code, err } = await call('frobnicate');
    expect(code).toBe(2);
    expect(err).toContain('Unknown command "frobnicate"');
  });
});
