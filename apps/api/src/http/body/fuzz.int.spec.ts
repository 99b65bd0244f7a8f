import { eventCount } from '../../testing/test-api';
import { testUser, type TestUser } from '../../testing/care-setup';
import { useTestApi } from '../../testing/harness';

/**
 * Seeded random and hostile bodies against every write route of the served
 * OpenAPI document (docs/architecture.md#http-edge): none may answer 5xx and
 * none may write. Every JSON body carries a field no DTO knows, so even a
 * body that is otherwise valid must be refused. FUZZ_SEED reproduces a run.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 12);
const CASES_PER_BODY_ROUTE = 70;
const CASES_PER_BODYLESS_ROUTE = 12;

type Random = () => number;

function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const HOSTILE_STRINGS = [
  '',
  ' ',
  'x'.repeat(5000),
  '\u0000',
  '\ud800',
  '\u202eevil',
  '😀'.repeat(300),
  '2026-03-01T08:00:00+23:59',
  '2026-03-01T08:00:00-16:00',
  '2026-03-01T08:00:00+14:01',
  '2026-13-45T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999-14:00',
  '2026-03-01',
  '25:61',
  '../../etc/passwd',
  "'; DROP TABLE events; --",
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-0',
  '1e-7',
  '__proto__',
];
const HOSTILE_NUMBERS = [0, -0, -1, 1e-7, 0.0000001, 1.23456789, 1e308, -1e308, 5e-324, 2 ** 53 + 2, 1e21, 24, 25];

function hostileValue(random: Random, depth = 0): unknown {
  const kind = pick(random, ['string', 'number', 'boolean', 'null', 'array', 'object', 'deep'] as const);
  switch (kind) {
    case 'string':
      return pick(random, HOSTILE_STRINGS);
    case 'number':
      return pick(random, HOSTILE_NUMBERS);
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    case 'array':
      if (random() < 0.2) return Array.from({ length: 1000 }, () => pick(random, HOSTILE_NUMBERS));
      return depth > 3 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => hostileValue(random, depth + 1));
    case 'object':
      return depth > 3
        ? {}
        : Object.fromEntries(
            Array.from({ length: 1 + Math.floor(random() * 4) }, () => [
              pick(random, ['value', 'unit', 'given', 'constructor', 'timeZone', 'times', 'z']),
              hostileValue(random, depth + 1),
            ]),
          );
    case 'deep': {
      // Around the reader's limit of 32 levels: some pass it and reach the validation pipe.
      let value: unknown = 1;
      for (let level = 20 + Math.floor(random() * 20); level > 0; level--)
        value = random() < 0.5 ? [value] : { a: value };
      return value;
    }
  }
}

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
}

interface WriteRoute {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body?: Schema;
}

/** A body shaped like the route's schema, with hostile or plausible values, and one unknown field. */
function bodyFor(random: Random, schema: Schema, components: Record<string, Schema>, depth = 0): unknown {
  const resolved = resolve(schema, components);
  if (random() < 0.3 || depth > 4) return hostileValue(random);
  if (resolved.enum) return pick(random, resolved.enum);
  if (resolved.properties) {
    const body: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(resolved.properties)) {
      if (random() < 0.85) body[name] = bodyFor(random, property, components, depth + 1);
    }
    return body;
  }
  if (resolved.type === 'array' && resolved.items) {
    return Array.from({ length: Math.floor(random() * 3) }, () =>
      bodyFor(random, resolved.items!, components, depth + 1),
    );
  }
  return hostileValue(random);
}

function resolve(schema: Schema, components: Record<string, Schema>): Schema {
  if (schema.$ref) return resolve(components[schema.$ref.split('/').pop()!] ?? {}, components);
  if (schema.allOf?.length === 1) return resolve(schema.allOf[0]!, components);
  return schema;
}

/** Raw bodies no JSON reader may accept; every route, with or without a body, refuses them. */
const RAW_BODIES: ReadonlyArray<readonly [string, Buffer]> = [
  ['application/json', Buffer.from('{"a":'.repeat(3000) + '1' + '}'.repeat(3000))],
  ['application/json', Buffer.from(`{"timeZone":${'['.repeat(2000)}${']'.repeat(2000)}}`)],
  ['application/json', Buffer.from('{"a":1,"a":2}')],
  ['application/json', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
  ['application/json', Buffer.from('{"a":')],
  ['application/json', Buffer.from('"just a string"')],
  ['application/json', Buffer.from(`{"a":"${'x'.repeat(200_000)}"}`)],
  ['application/x-www-form-urlencoded', Buffer.from('name[given]=A&name[family]=B')],
  ['text/plain', Buffer.from('{"name":{"given":"A","family":"B"}}')],
  ['multipart/form-data; boundary=x', Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--')],
  ['application/json; charset=utf-16', Buffer.from('{}', 'utf16le')],
];

const asSent = (body: unknown): string => body as string;

describe(`fuzzing every write route (seed ${SEED}): no 5xx, no write`, () => {
  const t = useTestApi();
  let admin: TestUser;
  let routes: WriteRoute[];
  let components: Record<string, Schema>;

  beforeAll(async () => {
    admin = await testUser(t.api, 'admin');
    const document = (await t.api.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
      components: { schemas: Record<string, Schema> };
    };
    components = document.components.schemas;
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({
          method: method as WriteRoute['method'],
          path,
          body: operation.requestBody?.content?.['application/json']?.schema,
        })),
    );
  });

  it('knows the write routes', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => r.body).length).toBeGreaterThan(25);
  });

  it('answers thousands of hostile requests with 4xx and appends nothing', async () => {
    const random = mulberry32(SEED);
    const fill = (path: string): string =>
      path.replace(/\{(\w+)\}/g, (_, name: string) =>
        name === 'patientId' && random() < 0.8
          ? t.p.patientId
          : pick(random, ['a1', 'x'.repeat(8000), '%2e%2e%2f', '%00', 'ü', `${name}-1`, '-', '0']),
      );
    const before = await eventCount(t.api.store);
    const failures: string[] = [];
    let sent = 0;
    for (const route of routes) {
      const auth = route.path.startsWith('/admin') || route.path.startsWith('/audit') ? admin.auth : t.p.therapist.auth;
      const cases = route.body ? CASES_PER_BODY_ROUTE : CASES_PER_BODYLESS_ROUTE;
      for (let i = 0; i < cases; i++) {
        const useRaw = !route.body || random() < 0.15;
        const [contentType, payload] = useRaw
          ? pick(random, RAW_BODIES)
          : [
              'application/json',
              Buffer.from(JSON.stringify({ ...(bodyFor(random, route.body!, components) as object), zzUnknown: 1 })),
            ];
        const path = fill(route.path);
        const response = await t.api.http[route.method](path)
          .set('Authorization', auth)
          .set('Content-Type', contentType)
          .serialize(asSent)
          .send(payload);
        sent += 1;
        if (response.status >= 500 || response.status < 400) {
          failures.push(
            `${route.method.toUpperCase()} ${path.slice(0, 80)} -> ${response.status}: ${payload.toString('utf8', 0, 300)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(2000);
    expect(await eventCount(t.api.store)).toBe(before);
  }, 240_000);
});
