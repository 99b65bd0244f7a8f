// The console's frame: sign-in, the page list, and one page at a time. Each page view is first
// recorded by the API (POST /admin/console/views, docs/audit.md "Admin console"); that call is
// also where a non-admin is refused.
import { field, fill, h, notice } from './dom.js';
import { finishOidcSignIn, startOidcSignIn } from './oidc.js';
import { api, session, whenUnauthorised } from './session.js';
import { projectionsPage } from './pages/projections.js';
import { parkedPage } from './pages/parked.js';
import { historyPage } from './pages/history.js';
import { auditPage } from './pages/audit.js';
import { relayPage } from './pages/relay.js';

const PAGES = {
  projections: { title: 'Read models', render: projectionsPage },
  parked: { title: 'Parked events', render: parkedPage },
  history: { title: 'Patient history', render: historyPage },
  audit: { title: 'Access log', render: auditPage },
  relay: { title: 'Kafka relay', render: relayPage },
};

const main = document.getElementById('main');
let config = { signIn: 'token' };
/** Stops what the current page runs (its polling) when another is opened. */
let leavePage = () => undefined;

function setTitle(title) {
  document.title = `${title} · CareTrail admin console`;
}

function showChrome(signedIn) {
  document.getElementById('pages').hidden = !signedIn;
  document.getElementById('session').hidden = !signedIn;
  if (signedIn) {
    const { userId, role } = session.subject();
    document.getElementById('who').textContent = `Signed in as ${userId}${role ? ` (${role})` : ''}`;
  }
}

function showSignIn(message) {
  leavePage();
  showChrome(false);
  setTitle('Sign in');
  const token = h('textarea', {
    className: 'token',
    rows: 4,
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    {
      onsubmit: (event) => {
        event.preventDefault();
        session.signIn(token.value);
        void route();
      },
    },
    field(
      'Bearer token',
      token,
      h('span', {}, 'On the embedded default: ', h('code', {}, 'npm run -s cli -- token --user <you> --role admin')),
    ),
    h('button', { type: 'submit', className: 'primary' }, 'Sign in with this token'),
  );
  fill(
    main,
    h('h1', {}, 'Sign in'),
    message && notice(message, 'error'),
    config.signIn === 'oidc' &&
      h(
        'section',
        { 'aria-labelledby': 'oidc-heading' },
        h('h2', { id: 'oidc-heading' }, 'With your clinic account'),
        h(
          'button',
          {
            type: 'button',
            className: 'primary',
            onclick: () =>
              startOidcSignIn(config).catch((error) => showSignIn(`Sign-in at the issuer failed: ${error.message}`)),
          },
          `Sign in at ${new URL(config.issuer).host}`,
        ),
      ),
    h(
      'section',
      { 'aria-labelledby': 'token-heading' },
      h('h2', { id: 'token-heading' }, config.signIn === 'oidc' ? 'Or with a token' : 'With a token'),
      h('p', {}, 'The token is kept in this tab only and sent with every call the console makes.'),
      form,
    ),
  );
  main.focus();
}

function showAdminsOnly(error) {
  showChrome(false);
  const { userId, role } = session.subject();
  setTitle('For admins only');
  fill(
    main,
    h('h1', {}, 'This console is for admins'),
    h(
      'p',
      {},
      `You are signed in as ${userId}${role ? ` with the role ${role}` : ''}. `,
      'The API refused the console to this account: ',
      h('q', {}, error.message),
    ),
    h('p', {}, 'Sign in with an admin account, or use the API itself at ', h('a', { href: '/docs' }, '/docs'), '.'),
    h('button', { type: 'button', onclick: signOut }, 'Sign out'),
  );
  main.focus();
}

function signOut() {
  session.signOut();
  showSignIn();
}

/** `#/history?patient=p-1` -> ['history', URLSearchParams]. */
function currentRoute() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return [path || 'projections', new URLSearchParams(query)];
}

async function route() {
  leavePage();
  leavePage = () => undefined;
  if (!session.token()) return showSignIn();
  const [name, params] = currentRoute();
  const page = PAGES[name];
  if (!page) {
    location.hash = '#/projections';
    return;
  }
  for (const link of document.querySelectorAll('#pages a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  setTitle(page.title);
  fill(main, h('h1', {}, page.title), h('p', {}, 'Loading…'));
  try {
    await api('/admin/console/views', { method: 'POST', body: { page: name } });
  } catch (error) {
    if (error.status === 403) return showAdminsOnly(error);
    if (error.status !== 401)
      fill(main, h('h1', {}, page.title), notice(`The page could not be opened: ${error.message}`, 'error'));
    return;
  }
  if (currentRoute()[0] !== name) return; // another page was opened meanwhile
  showChrome(true);
  fill(main, h('h1', {}, page.title));
  leavePage = page.render(main, params) ?? (() => undefined);
  main.focus();
}

async function boot() {
  config = await fetch('/admin/config').then((response) => response.json());
  whenUnauthorised((error) => {
    session.signOut();
    showSignIn(`The API refused the token: ${error.message}`);
  });
  document.getElementById('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => void route());
  try {
    const token = config.signIn === 'oidc' ? await finishOidcSignIn(config) : undefined;
    if (token) session.signIn(token);
  } catch (error) {
    return showSignIn(error.message);
  }
  await route();
}

void boot();
