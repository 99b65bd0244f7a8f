// Sign-in at the clinic's OIDC issuer: the authorisation-code flow with PKCE (RFC 7636, S256),
// for a public client in the browser. The issuer sends the admin back to /admin/ with a code,
// which is exchanged at its token endpoint for the access token the API verifies
// (docs/deployment.md, "Admin console").

const PENDING_KEY = 'caretrail.console.oidc';

const redirectUri = () => `${location.origin}/admin/`;

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

async function discover(issuer) {
  const base = issuer.replace(/\/$/, '');
  const response = await fetch(`${base}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`The issuer's discovery document answered ${response.status}`);
  const document = await response.json();
  // A document naming another issuer could send the code elsewhere (the mix-up attack).
  if (String(document.issuer).replace(/\/$/, '') !== base) {
    throw new Error(`The discovery document names the issuer ${document.issuer}, not ${issuer}`);
  }
  return document;
}

/** Sends the browser to the issuer's sign-in page. */
export async function startOidcSignIn(config) {
  const discovery = await discover(config.issuer);
  const verifier = randomText();
  const state = randomText();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(
    PENDING_KEY,
    JSON.stringify({ verifier, state, tokenEndpoint: discovery.token_endpoint, page: location.hash }),
  );
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * On the way back from the issuer (?code=...&state=... or ?error=...): exchanges the code for a
 * token. Answers the access token, or undefined when this is not a way back; throws when the
 * issuer refused or the answer does not belong to the sign-in this tab started.
 */
export async function finishOidcSignIn(config) {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `/admin/${pending?.page ?? ''}`);
  if (query.has('error')) {
    throw new Error(`The issuer refused the sign-in: ${query.get('error_description') || query.get('error')}`);
  }
  if (!pending || query.get('state') !== pending.state) {
    throw new Error('This sign-in answer does not belong to a sign-in started here (state differs); sign in again.');
  }
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: query.get('code'),
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || typeof answer.access_token !== 'string') {
    throw new Error(
      `The issuer's token endpoint refused the code: ${answer.error_description || answer.error || response.status}`,
    );
  }
  return answer.access_token;
}
