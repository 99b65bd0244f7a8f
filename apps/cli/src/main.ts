import { parseArgs } from 'node:util';
import { actorRoles, isActorRole } from '@caretrail/domain';
import { authConfigFromEnv, issueLocalToken, loadOrCreateLocalSigningKey } from '@caretrail/security';
import { audit, AUDIT_USAGE } from './commands/audit';
import { auditExport, AUDIT_EXPORT_USAGE } from './commands/audit-export';
import { patientCommand, PATIENT_USAGE } from './commands/patient';
import { replayCommand, REPLAY_USAGE } from './commands/replay';
import { reportCommand, REPORT_USAGE } from './commands/report';
import { stderrProgress } from './commands/cli-io';
import { projectionsCommand, PROJECTIONS_USAGE } from './commands/projections';
import { seedCommand, SEED_USAGE } from './commands/seed';

const USAGE = `CareTrail command line

  npm run cli -- token --user <id> --role <role> [--expires 8h]
      Prints a bearer token signed with the embedded default's local key
      (DATA_DIR/auth). Works whether or not the API runs; never opens the store.
      Roles: ${actorRoles.join(', ')}
${AUDIT_USAGE}
${AUDIT_EXPORT_USAGE}
${PATIENT_USAGE}
${REPORT_USAGE}
${REPLAY_USAGE}
${SEED_USAGE}
${PROJECTIONS_USAGE}
`;

/** Runs one command; returns the process exit code. */
export async function run(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'token':
      return token(rest, out, err);
    case 'audit':
      return rest[0] === 'export' ? auditExport(rest.slice(1), out, err) : audit(rest, out, err);
    case 'patient':
      return patientCommand(rest, { out, err });
    case 'report':
      return reportCommand(rest, { out, err, progress: stderrProgress() });
    case 'replay':
      return replayCommand(rest, { out, err, progress: stderrProgress() });
    case 'seed':
      return seedCommand(rest, { out, err, progress: stderrProgress() });
    case 'projections':
      return projectionsCommand(rest, { out, err, progress: stderrProgress() });
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      err(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function token(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let values: { user?: string; role?: string; expires?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { user: { type: 'string' }, role: { type: 'string' }, expires: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  if (!values.user || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(values.user)) {
    err('--user is required: 1 to 64 letters, digits, "-" or "_"');
    return 2;
  }
  if (!isActorRole(values.role)) {
    err(`--role must be one of: ${actorRoles.join(', ')}`);
    return 2;
  }
  const config = authConfigFromEnv();
  if (config.issuer) {
    err(`OIDC_ISSUER is set (${config.issuer}): tokens come from that issuer, not from this command.`);
    return 2;
  }
  const key = await loadOrCreateLocalSigningKey(config.dataDir);
  out(await issueLocalToken(key, { userId: values.user, role: values.role, expiresIn: values.expires ?? '8h' }));
  return 0;
}

if (require.main === module) {
  run(
    process.argv.slice(2),
    (line) => console.log(line),
    (line) => console.error(line),
  ).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
