import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** apps/projector as a process of its own, run from its sources. */
export interface ProjectorProcess {
  /** Its member id in the shard leases: what `GET /admin/projections` shows as a shard's owner. */
  member: string;
  output(): string;
  /** SIGTERM: it finishes the batch in hand and gives up its shards. */
  stop(): Promise<void>;
}

/**
 * Starts the projector the way a deployment runs it beside an API with RUN_PROJECTIONS=false
 * (docs/deployment.md), on the store in `env` (DATABASE_URL, DATABASE_SCHEMA and the projection
 * settings). SWC compiles its sources as Node loads them (infra/scripts/register-ts.cjs), so no
 * build is needed. Answers once it logged that it started.
 */
export async function startProjectorProcess(env: NodeJS.ProcessEnv): Promise<ProjectorProcess> {
  const child = spawn(
    process.execPath,
    ['-r', join(ROOT, 'infra/scripts/register-ts.cjs'), join(ROOT, 'apps/projector/src/main.ts')],
    { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the projector exited with ${child.exitCode}:\n${output}`);
    const started = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; member?: string })
      .find((line) => line.msg === 'projector started' && line.member);
    if (started) {
      return {
        member: started.member!,
        output: () => output,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`the projector did not start within 90 s:\n${output}`);
}
