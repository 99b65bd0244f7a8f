import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';

/** How the fake issuer answers the next authorisation request. */
export type Consent = { approve: true } | { approve: false; error: string } | { approve: true; state: string };

export interface FakeIssuer {
  issuer: string;
  /** What the next visit to the authorisation endpoint does (default: approve, as a signed-in user would). */
  nextConsent(consent: Consent): void;
  /** The token requests it received, with whether their PKCE verifier matched the challenge. */
  exchanges: Array<{ verifierMatched: boolean; clientId: string }>;
  close(): Promise<void>;
}

/**
 * A minimal OIDC issuer for the console's sign-in test: discovery, an authorisation endpoint that
 * approves at once (no login form) and redirects back with a code, a token endpoint that checks
 * the PKCE verifier against the S256 challenge before it signs an access token for `subject` with
 * `role`, and its JWKS for the API to verify that token.
 */
export async function startFakeIssuer(subject: string, role: string): Promise<FakeIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, { challenge: string; clientId: string }>();
  const exchanges: FakeIssuer['exchanges'] = [];
  let consent: Consent = { approve: true };
  let issuer = '';

  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', issuer);
    if (request.method === 'OPTIONS') return send(response, 204, undefined);
    if (url.pathname === '/.well-known/openid-configuration') {
      return send(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return send(response, 200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const back = new URL(url.searchParams.get('redirect_uri') ?? issuer);
      const given = consent;
      consent = { approve: true };
      if (!given.approve) back.searchParams.set('error', given.error);
      else {
        const code = randomUUID();
        codes.set(code, {
          challenge:
            url.searchParams.get('code_challenge_method') === 'S256'
              ? (url.searchParams.get('code_challenge') ?? '')
              : '',
          clientId: url.searchParams.get('client_id') ?? '',
        });
        back.searchParams.set('code', code);
        back.searchParams.set('state', 'state' in given ? given.state : (url.searchParams.get('state') ?? ''));
      }
      response.writeHead(302, { Location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      const form = new URLSearchParams(body);
      const granted = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const verifierMatched =
        granted !== undefined && createHash('sha256').update(verifier).digest('base64url') === granted.challenge;
      exchanges.push({ verifierMatched, clientId: form.get('client_id') ?? '' });
      if (!granted || !verifierMatched) return send(response, 400, { error: 'invalid_grant' });
      return send(response, 200, {
        access_token: await accessToken(privateKey),
        token_type: 'Bearer',
        expires_in: 600,
      });
    }
    send(response, 404, { error: 'not_found' });
  }
  const accessToken = (key: KeyLike): Promise<string> =>
    new SignJWT({ role })
      .setProtectedHeader({ alg: 'ES256', kid: 'fake-1' })
      .setSubject(subject)
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    exchanges,
    nextConsent: (next) => (consent = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** JSON with the CORS header a real issuer sends its browser clients. */
function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Content-Type',
  });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}
