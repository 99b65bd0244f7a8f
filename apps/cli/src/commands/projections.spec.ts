import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProjectionStatus } from '@caretrail/projections';
import { UsageError, type CliIo } from './cli-io';
import { parseProjectionsArgs, projectionsCommand, ServerControl, type ProjectionControl } from './projections';
import { parseSeedArgs } from './seed';

function io(): CliIo & { outText(): string; errText(): string; progressLines: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const progressLines: string[] = [];
  return {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: (l) => progressLines.push(l),
    outText: () => out.join('\n'),
    errText: () => err.join('\n'),
    progressLines,
  };
}

const checkpoint = (position: number) => ({ transactionId: String(1000 + position), position });

function status(name: string, over: Partial<ProjectionStatus> = {}): ProjectionStatus {
  return {
    name,
    version: 1,
    state: 'running',
    generation: 1,
    checkpoint: checkpoint(100),
    headPosition: 100,
    lagEvents: 0,
    lagSeconds: 0,
    eventsPerSecond: 0,
    lastError: null,
    rebuild: null,
    shardCount: 16,
    shards: [],
    parkedCount: 0,
    ...over,
  };
}

describe('projections: arguments', () => {
  it('reads each command and its read model', () => {
    expect(parseProjectionsArgs(['status'])).toEqual({ sub: 'status', name: null, json: false, wait: true });
    expect(parseProjectionsArgs(['status', '--json'])).toMatchObject({ json: true });
    expect(parseProjectionsArgs(['rebuild', 'adherence'])).toEqual({
      sub: 'rebuild',
      name: 'adherence',
      json: false,
      wait: true,
    });
    expect(parseProjectionsArgs(['rebuild', 'registry', '--no-wait'])).toMatchObject({ wait: false });
    expect(parseProjectionsArgs(['pause', 'current-plan'])).toMatchObject({ sub: 'pause', name: 'current-plan' });
    expect(parseProjectionsArgs(['resume', 'collaboration'])).toMatchObject({ sub: 'resume', name: 'collaboration' });
  });

  it.each([
    [[], 'projections needs a command'],
    [['frobnicate'], 'Unknown projections command "frobnicate"'],
    [['rebuild'], 'needs the name of a read model: current-plan, adherence, collaboration, registry'],
    [['rebuild', 'nope'], 'There is no read model named "nope"'],
    [['status', 'adherence'], 'takes no name'],
    [['pause', 'adherence', '--no-wait'], '--no-wait applies to rebuild only'],
    [['rebuild', 'adherence', '--json'], '--json applies to status only'],
    [['rebuild', 'adherence', 'registry'], 'Unexpected argument "registry"'],
    [['status', '--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseProjectionsArgs(argv)).toThrow(UsageError);
    expect(() => parseProjectionsArgs(argv)).toThrow(message);
  });

  it('exits 2 with the usage on a mistake, before contacting anything', async () => {
    const out = io();
    const server = { status: jest.fn() } as unknown as ProjectionControl;
    expect(await projectionsCommand(['rebuild'], out, { server })).toBe(2);
    expect(out.errText()).toContain('npm run cli -- projections rebuild <name>');
    expect(server.status).not.toHaveBeenCalled();
  });
});

describe('seed: arguments', () => {
  const now = Date.parse('2026-11-28T10:15:42Z');

  it('has defaults and reads every option', () => {
    expect(parseSeedArgs([], now)).toEqual({
      patients: 100,
      days: 180,
      seed: 'caretrail',
      until: Date.parse('2026-11-28T10:15:00Z'),
      concurrency: undefined,
      verify: false,
      json: false,
    });
    expect(
      parseSeedArgs(
        ['--patients', '5000', '--days', '365', '--seed', 'bench-1', '--until', '2026-01-31', '--json'],
        now,
      ),
    ).toMatchObject({
      patients: 5000,
      days: 365,
      seed: 'bench-1',
      until: Date.parse('2026-01-31T23:59:00Z'),
      json: true,
    });
    expect(parseSeedArgs(['--until', '2026-03-01T08:00:00+01:00'], now).until).toBe(Date.parse('2026-03-01T07:00:00Z'));
  });

  it.each([
    [['--patients', '0'], '--patients must be a whole number from 1 to 1,000,000 (got "0")'],
    [['--patients', '2.5'], '--patients must be a whole number'],
    [['--days', '-3'], "Option '--days' argument is ambiguous"],
    [['--days', '4000'], '--days must be a whole number from 1 to 3,650'],
    [['--seed', 'two words'], '--seed must be 1 to 64 printable characters'],
    [['--until', 'yesterday'], '--until must be a date (2026-11-28) or an instant with a zone'],
    [['--until', '2026-03-01T08:00:00'], '--until must be a date'],
    [['--patient', '3'], "Unknown option '--patient'"],
    [['extra'], 'seed takes no arguments besides its options'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSeedArgs(argv, now)).toThrow(UsageError);
    expect(() => parseSeedArgs(argv, now)).toThrow(message);
  });
});

/** A stand-in for the API's /admin/projections, to check the client's requests and how it reads answers. */
class FakeAdminApi {
  readonly requests: Array<{ method: string; url: string; authorization: string | undefined }> = [];
  server!: Server;
  polls = 0;
  handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
      this.handler(req, res);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  res.writeHead(code, { 'content-type': type });
  res.end(JSON.stringify(body));
}

describe('projections: through the server', () => {
  const api = new FakeAdminApi();
  let base: string;
  beforeAll(async () => (base = await api.start()));
  afterAll(() => api.stop());
  beforeEach(() => (api.requests.length = 0));

  const control = () => new ServerControl(base, async () => 'admin-token');
  const noLocal = jest.fn(async () => null);

  it('prints a status table, sending the admin token', async () => {
    api.handler = (_req, res) =>
      send(res, 200, [
        status('adherence', {
          lagEvents: 12,
          lastError: { message: 'boom', eventId: 'e-1', at: '2026-11-28T00:00:00Z' },
        }),
        status('registry'),
      ]);
    const out = io();
    expect(await projectionsCommand(['status'], out, { server: control(), openLocal: noLocal })).toBe(0);
    expect(api.requests).toEqual([{ method: 'GET', url: '/admin/projections', authorization: 'Bearer admin-token' }]);
    expect(out.outText()).toContain(`Read models on the server at ${base}:`);
    expect(out.outText()).toMatch(/adherence\s+running\s+1\s+100\s+100\s+12\s/);
    expect(out.outText()).toContain('boom (event e-1)');
    expect(out.outText()).toContain(
      'Not started yet (they build when a server or projector starts): current-plan, collaboration',
    );
    expect(noLocal).not.toHaveBeenCalled();
  });

  it('prints status as JSON with --json', async () => {
    api.handler = (_req, res) => send(res, 200, [status('adherence')]);
    const out = io();
    expect(await projectionsCommand(['status', '--json'], out, { server: control() })).toBe(0);
    expect(JSON.parse(out.outText())).toEqual([status('adherence')]);
  });

  it('starts a rebuild and shows its progress until the new generation serves', async () => {
    let polls = 0;
    api.handler = (req, res) => {
      if (req.method === 'POST') return send(res, 202, { generation: 3 });
      polls++;
      const building = polls < 3;
      send(res, 200, [
        status('adherence', {
          generation: building ? 2 : 3,
          headPosition: 1000,
          state: building ? 'rebuilding' : 'running',
          rebuild: building
            ? {
                generation: 3,
                version: 1,
                checkpoint: checkpoint(polls * 400),
                progress: polls * 0.4,
                etaSeconds: null,
                shardCount: 16,
                shards: [],
              }
            : null,
        }),
      ]);
    };
    const out = io();
    expect(await projectionsCommand(['rebuild', 'adherence'], out, { server: control(), pollMs: 5 })).toBe(0);
    expect(api.requests[0]).toMatchObject({ method: 'POST', url: '/admin/projections/adherence/rebuild' });
    expect(out.progressLines[0]).toMatch(
      /rebuilding adherence \(generation 3\) \[#+\.+\] 40\.0 % {2}400\/1,000 events/,
    );
    expect(out.progressLines.at(-1)).toContain('100.0 %  done');
    expect(out.outText()).toContain('adherence: generation 3 took over after');
  });

  it('stops with exit 1 when the rebuild fails on an event', async () => {
    api.handler = (req, res) =>
      req.method === 'POST'
        ? send(res, 202, { generation: 2 })
        : send(res, 200, [
            status('registry', {
              state: 'failed',
              lastError: { message: 'evolve threw', eventId: 'evt-9', at: '2026-11-28T00:00:00Z' },
              rebuild: {
                generation: 2,
                version: 1,
                checkpoint: checkpoint(10),
                progress: 0.1,
                etaSeconds: null,
                shardCount: 16,
                shards: [],
              },
            }),
          ]);
    const out = io();
    expect(await projectionsCommand(['rebuild', 'registry'], out, { server: control(), pollMs: 5 })).toBe(1);
    expect(out.errText()).toBe('registry: the rebuild stopped at event evt-9: evolve threw');
  });

  it('returns at once with --no-wait', async () => {
    api.handler = (_req, res) => send(res, 202, { generation: 4 });
    const out = io();
    expect(await projectionsCommand(['rebuild', 'collaboration', '--no-wait'], out, { server: control() })).toBe(0);
    expect(out.outText()).toContain('rebuilding into generation 4');
    expect(api.requests).toHaveLength(1);
  });

  it('pauses and resumes', async () => {
    api.handler = (req, res) => send(res, 202, { name: 'adherence', paused: req.url!.endsWith('/pause') });
    const out = io();
    expect(await projectionsCommand(['pause', 'adherence'], out, { server: control() })).toBe(0);
    expect(await projectionsCommand(['resume', 'adherence'], out, { server: control() })).toBe(0);
    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /admin/projections/adherence/pause',
      'POST /admin/projections/adherence/resume',
    ]);
  });

  it('explains a refused token (exit 1) and an unknown read model (exit 2)', async () => {
    api.handler = (_req, res) =>
      send(res, 403, { title: 'Forbidden', detail: 'admin role required' }, 'application/problem+json');
    const out = io();
    expect(await projectionsCommand(['status'], out, { server: control(), openLocal: noLocal })).toBe(1);
    expect(out.errText()).toContain('refused the admin token (403: admin role required). Set CARETRAIL_TOKEN');
    expect(noLocal).not.toHaveBeenCalled();

    api.handler = (_req, res) => send(res, 404, { detail: 'There is no read model named adherence' });
    const out2 = io();
    expect(await projectionsCommand(['pause', 'adherence'], out2, { server: control() })).toBe(2);
    expect(out2.errText()).toContain('answered 404: There is no read model named adherence');
  });
});

/** An address where nothing listens: connections are refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('projections: with no server answering', () => {
  it('works on the store itself', async () => {
    const closed = new ServerControl(await closedPort(), async () => 'token');
    const local: ProjectionControl = {
      where: 'the embedded store (no server running)',
      status: jest.fn(async () => [status('current-plan')]),
      rebuild: jest.fn(),
      pause: jest.fn(),
      resume: jest.fn(),
      close: jest.fn(async () => undefined),
    };
    const out = io();
    expect(await projectionsCommand(['status'], out, { server: closed, openLocal: async () => local })).toBe(0);
    expect(out.outText()).toContain('Read models on the embedded store (no server running):');
    expect(local.close).toHaveBeenCalled();
  });

  it('exits 1 when the store cannot be opened (the embedded store is held by a server elsewhere)', async () => {
    const closed = new ServerControl(await closedPort(), async () => 'token');
    const out = io();
    expect(await projectionsCommand(['status'], out, { server: closed, openLocal: async () => null })).toBe(1);
  });
});
