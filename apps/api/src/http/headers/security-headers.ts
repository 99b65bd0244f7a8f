import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Where the OpenAPI UI lives (app.ts); the only pages a browser renders. */
export const DOCS_PATH = '/docs';

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

/** The OpenAPI UI loads its own script and styles, inline styles and data: icons included, and calls the API. */
const docsHeaders = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
  },
});

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The headers every answer carries: a strict CSP and frame policy, nosniff,
 * no caching of patient data anywhere on the way, and HSTS when the request
 * came over TLS (`request.secure`: behind a proxy only when TRUST_PROXY
 * trusts it to say so with X-Forwarded-Proto).
 */
export function securityHeaders(): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Cache-Control', 'no-store');
    if (request.secure) response.setHeader('Strict-Transport-Security', HSTS);
    const isDocs = request.path === DOCS_PATH || request.path.startsWith(`${DOCS_PATH}/`);
    (isDocs ? docsHeaders : apiHeaders)(request, response, next);
  };
}
