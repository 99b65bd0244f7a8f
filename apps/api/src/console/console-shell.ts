import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { ApiConfig } from '../config/api-config';
import { pathOf, type Middleware } from '../http/middleware';

/*
 * The console's files: apps/api/console in the source tree; the build copies
 * them beside the compiled code at the same distance from this file
 * (infra/scripts/build-app.mjs), so one relative path serves both.
 */
const CONSOLE_DIR = join(__dirname, '..', '..', 'console');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface ShellFile {
  type: string;
  body: Buffer;
}

/** What the page needs to know before anyone signs in; it holds no data (docs/deployment.md, "Admin console"). */
export interface ConsoleSignIn {
  /** `oidc`: the authorisation-code flow with PKCE at `issuer`; `token`: paste a bearer token. */
  signIn: 'oidc' | 'token';
  issuer: string | null;
  clientId: string | null;
  scope: string;
}

export function consoleSignIn(config: ApiConfig): ConsoleSignIn {
  const issuer = config.auth.issuer ?? null;
  const clientId = config.console.oidcClientId ?? null;
  return { signIn: issuer && clientId ? 'oidc' : 'token', issuer, clientId, scope: config.console.oidcScope };
}

/** Every file under the console folder, by the URL it is served at (`/admin/assets/app.js`). */
function loadShellFiles(): Map<string, ShellFile> {
  const files = new Map<string, ShellFile>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const type = TYPES[extname(entry.name)];
        if (type)
          files.set(`/admin/${relative(CONSOLE_DIR, path).split(sep).join('/')}`, { type, body: readFileSync(path) });
      }
    }
  };
  walk(CONSOLE_DIR);
  return files;
}

/**
 * Serves the admin console's static shell at /admin/ (its page, scripts and
 * styles, read once at start-up) and the sign-in settings at /admin/config.
 * None of it carries data, so none of it needs a token: every data call the
 * page makes is an authenticated, audited API call (docs/audit.md, "Admin
 * console"). Anything else under /admin goes on to the API's routes.
 */
export function consoleShell(config: ApiConfig): Middleware {
  const files = loadShellFiles();
  const index = files.get('/admin/index.html');
  if (!index) throw new Error(`The admin console's index.html is missing from ${CONSOLE_DIR}`);
  const signIn: ShellFile = {
    type: 'application/json; charset=utf-8',
    body: Buffer.from(JSON.stringify(consoleSignIn(config))),
  };
  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const path = pathOf(request);
    if (path === '/admin') {
      // Relative to /admin/ the page's links resolve; the OIDC answer's ?code= is kept.
      const url = request.url ?? '';
      const at = url.indexOf('?');
      response.writeHead(301, { Location: `/admin/${at === -1 ? '' : url.slice(at)}`, 'Content-Length': '0' });
      return response.end();
    }
    const file =
      path === '/admin/config'
        ? signIn
        : path === '/admin/'
          ? index
          : path.startsWith('/admin/assets/')
            ? files.get(path)
            : undefined;
    if (!file) return next();
    send(response, file, request.method === 'HEAD');
  };
}

function send(response: ServerResponse, file: ShellFile, headOnly: boolean): void {
  response.writeHead(200, { 'Content-Type': file.type, 'Content-Length': String(file.body.length) });
  response.end(headOnly ? undefined : file.body);
}
