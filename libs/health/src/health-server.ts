import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Whether the process does its work now, with what an operator needs to see why not. */
export interface Readiness {
  ready: boolean;
  detail?: Record<string, unknown>;
}

export interface HealthServerOptions {
  port: number;
  /** Interface to bind (HOST; 0.0.0.0 in a container so the kubelet reaches it). */
  host: string;
  /** Readiness; a rejection (the store unreachable) counts as not ready. */
  readiness(): Promise<Readiness>;
  /** What GET /status answers: the process's own status document. */
  status(): Promise<unknown>;
  /** What GET /metrics answers, in the Prometheus text format (docs/deployment.md, Metrics); none when absent. */
  metrics?: { contentType: string; text(): Promise<string> };
}

/** The paths the server answers (deployment manifests probe these; test/deployment checks them). */
export const HEALTH_PATHS = {
  live: '/health/live',
  ready: '/health/ready',
  health: '/health',
  status: '/status',
  metrics: '/metrics',
} as const;

export interface HealthServer {
  /** The port it listens on (the one asked for, or the one given for port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves, on its own port:
 * - `GET /health/live`: 200 while the process answers at all (the liveness
 *   probe: only a wedged process should be restarted, never one that waits
 *   for its database or broker);
 * - `GET /health/ready` and `GET /health`: 200 when `readiness` says so, else
 *   503 with the reason (the readiness probe);
 * - `GET /status`: the status document, 503 when it cannot be read;
 * - `GET /metrics`: the process's metrics, when it has them.
 * Like the probes these are for the cluster only: the port is never exposed
 * outside it (docs/deployment.md, Metrics).
 * Resolves once it listens; rejects if the port is taken.
 */
export async function serveHealth(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => void answer(options, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(options: HealthServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const send = (code: number, body: unknown): void => {
    response.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  };
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET') return send(405, { error: 'method not allowed' });
  switch (path) {
    case HEALTH_PATHS.live:
      return send(200, { status: 'ok' });
    case HEALTH_PATHS.health:
    case HEALTH_PATHS.ready:
      try {
        const { ready, detail } = await options.readiness();
        return send(ready ? 200 : 503, { status: ready ? 'ok' : 'down', ...detail });
      } catch (error) {
        return send(503, { status: 'down', error: error instanceof Error ? error.message : String(error) });
      }
    case HEALTH_PATHS.status:
      try {
        return send(200, await options.status());
      } catch (error) {
        return send(503, { error: error instanceof Error ? error.message : String(error) });
      }
    case HEALTH_PATHS.metrics:
      if (!options.metrics) return send(404, { error: 'not found' });
      try {
        const text = await options.metrics.text();
        response.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
        return void response.end(text);
      } catch (error) {
        return send(503, { error: error instanceof Error ? error.message : String(error) });
      }
    default:
      return send(404, { error: 'not found' });
  }
}

/** The port named by `variable`, or undefined when it is unset (no health server). */
export function healthPortFromEnv(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${variable} must be a TCP port (0-65535), got "${raw}"`);
  }
  return port;
}
