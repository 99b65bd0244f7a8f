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
import { parkedCommand, PARKED_USAGE } from './commands/projections-parked';
import { seedCommand, SEED_USAGE } from './commands/seed';
import { storeCommand, STORE_USAGE } from './commands/store';

type Print = (line: string) => void;

const TOKEN_USAGE = `  npm run cli -- token --user <id> --role <role> [--expires 8h]
      Prints a bearer token signed with the embedded default's local key
      (DATA_DIR/auth). Works whether or not the API runs; never opens the store.
      Roles: ${actorRoles.join(', ')}`;

/** One subcommand: its usage text and how it runs. */
interface CliCommand {
  usage: string;
  run(argv: string[], out: Print, err: Print): Promise<number>;
}

const commands: Record<string, CliCommand> = {
  token: { usage: TOKEN_USAGE, run: token },
  audit: {
    usage: `${AUDIT_USAGE}\n${AUDIT_EXPORT_USAGE}`,
    run: (argv, out, err) => (argv[0] === 'export' ? auditExport(argv.slice(1), out, err) : audit(argv, out, err)),
  },
  patient: { usage: PATIENT_USAGE, run: (argv, out, err) => patientCommand(argv, { out, err }) },
  report: {
    usage: REPORT_USAGE,
    run: (argv, out, err) => reportCommand(argv, { out, err, progress: stderrProgress() }),
  },
  replay: {
    usage: REPLAY_USAGE,
    run: (argv, out, err) => replayCommand(argv, { out, err, progress: stderrProgress() }),
  },
  seed: { usage: SEED_USAGE, run: (argv, out, err) => seedCommand(argv, { out, err, progress: stderrProgress() }) },
  projections: {
    usage: `${PROJECTIONS_USAGE}\n${PARKED_USAGE}`,
    run: (argv, out, err) =>
      argv[0] === 'parked'
        ? parkedCommand(argv.slice(1), { out, err })
        : projectionsCommand(argv, { out, err, progress: stderrProgress() }),
  },
  store: { usage: STORE_USAGE, run: (argv, out, err) => storeCommand(argv, { out, err, progress: stderrProgress() }) },
};

const USAGE = `CareTrail command line (also \`npx caretrail <command>\`; \`<command> --help\` for one command)

${Object.values(commands)
  .map((c) => c.usage)
  .join('\n')}
`;

/** `audit export --help` asks for the export's usage, `audit --help` for both audit commands'. */
function usageOf(command: string, argv: string[]): string {
  return command === 'audit' && argv[0] === 'export' ? AUDIT_EXPORT_USAGE : commands[command]!.usage;
}

/** Runs one command; returns the process exit code. */
export async function run(argv: string[], out: Print, err: Print): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const asked = command === 'help' ? rest[0] : undefined;
    if (asked !== undefined && Object.hasOwn(commands, asked)) {
      out(usageOf(asked, rest.slice(1)));
      return 0;
    }
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(commands, command)) {
    err(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  // Asking for help is never a mistake, whatever else the line holds.
  if (rest.includes('--help') || rest.includes('-h')) {
    out(usageOf(command, rest));
    return 0;
  }
  return commands[command]!.run(rest, out, err);
}

async function token(argv: string[], out: Print, err: Print): Promise<number> {
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
