import helmet from 'helmet';
import { pathOf, type Middleware, type RawRequest } from '../middleware';

/** Where the OpenAPI UI lives (app.ts); with the admin console, the only pages a browser renders. */
export const DOCS_PATH = '/docs';

/** The admin console's page and its scripts and styles (apps/api/src/console); `/admin/...` else is the API. */
export const isConsoleShellPath = (path: string): boolean =>
  path === '/admin' || path === '/admin/' || path.startsWith('/admin/assets/');

const common = {
  // HSTS is set below, only on answers that went over TLS.
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
  crossOriginResourcePolicy: { policy: 'same-origin' as const },
};

/** An API answer is data, never a page: nothing may load, run or frame it (docs/architecture.md#http-edge). */
const apiHeaders = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
});

/** A page of ours: it runs its own scripts only, calls this API (and `connectSrc`), and is framed by no one. */
const pageHeaders = (sources: { styleSrc: string[]; imgSrc: string[]; connectSrc: string[] }): Middleware =>
  helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        fontSrc: ["'self'"],
        ...sources,
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
    },
  });

/** The OpenAPI UI loads its own script and styles, inline styles and data: icons included, and calls the API. */
const docsHeaders = pageHeaders({
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
});

/**
 * The admin console loads no inline code or styles at all, and calls this API,
 * plus the OIDC issuer's origins when it signs in there.
 */
const consoleHeaders = (connectOrigins: readonly string[]): Middleware =>
  pageHeaders({ styleSrc: ["'self'"], imgSrc: ["'self'"], connectSrc: ["'self'", ...connectOrigins] });

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The headers every answer carries: a strict CSP and frame policy, nosniff,
 * no caching of patient data anywhere on the way, and HSTS when the request
 * came over TLS (`request.protocol`: behind a proxy only when TRUST_PROXY
 * trusts it to say so with X-Forwarded-Proto).
 */
export function securityHeaders(consoleConnectOrigins: readonly string[] = []): Middleware {
  const console = consoleHeaders(consoleConnectOrigins);
  return (request: RawRequest, response, next) => {
    response.setHeader('Cache-Control', 'no-store');
    if (request.protocol === 'https') response.setHeader('Strict-Transport-Security', HSTS);
    const path = pathOf(request);
    const isDocs = path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`);
    (isDocs ? docsHeaders : isConsoleShellPath(path) ? console : apiHeaders)(request, response, next);
  };
}
