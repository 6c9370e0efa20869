// The console's entry: routes, the session check, and which page draws where.
import { ApiError, api, setUnauthorizedHandler } from './api.js';
import { h, replace } from './dom.js';
import { match, navigate, route, start } from './router.js';
import { loadSession, signedOut, state } from './state.js';
import { applyTheme } from './theme.js';
import './components/app-shell.js';

applyTheme();
const page = (file, tag) => async () => { await import(`./pages/${file}.js`); return tag; };

// Pages without the shell (no session needed).
route('/setup', page('setup', 'sp-setup-page'));
route('/sign-in', page('sign-in', 'sp-sign-in-page'));
route('/invitations/accept', page('invitation', 'sp-invitation-page'));
// Pages inside the shell.
route('/', async () => 'redirect:/connections');
route('/connections', page('connections', 'sp-connections-page'));
route('/connections/new', page('connection-new', 'sp-connection-new-page'));
route('/connections/:id', page('connection', 'sp-connection-page'));
route('/connectors', page('connectors', 'sp-connectors-page'));
route('/connectors/:key', page('connector', 'sp-connector-page'));
route('/settings', async () => 'redirect:/settings/members');
route('/settings/members', page('members', 'sp-members-page'));
route('/settings/tokens', page('tokens', 'sp-tokens-page'));
route('/settings/oauth-apps', page('oauth-apps', 'sp-oauth-apps-page'));
route('/settings/audit', page('audit', 'sp-audit-page'));
route('/settings/account', page('account', 'sp-account-page'));
route('/workflows', page('workflows', 'sp-workflows-page'));
route('/workflows/:id', page('designer', 'sp-designer-page'));
route('/executions', page('executions', 'sp-executions-page'));
route('/executions/:id', page('run', 'sp-run-page'));
route('/approvals', page('approvals', 'sp-approvals-page'));

const PUBLIC = new Set(['/setup', '/sign-in', '/invitations/accept']);
const root = document.getElementById('app');
let checked = false;

setUnauthorizedHandler(() => {
  signedOut();
  if (!PUBLIC.has(location.pathname)) navigate('/sign-in?next=' + encodeURIComponent(location.pathname + location.search), { replace: true });
});

async function draw() {
  const path = location.pathname;
  const found = match(path);
  // The page's module loads while the session is checked (a first visit waits for both, not one after the other).
  const loading = found ? found.load() : Promise.resolve(null);
  loading.catch(() => {});
  try {
    if (!checked || (!state.user && !PUBLIC.has(path))) {
      checked = true;
      const signedIn = await loadSession();
      if (!signedIn && !PUBLIC.has(path)) {
        const { required } = await api('GET', '/setup');
        if (required) return navigate('/setup', { replace: true });
        return navigate('/sign-in' + (path === '/' ? '' : '?next=' + encodeURIComponent(path + location.search)), { replace: true });
      }
    }
    const tag = await loading;
    if (tag?.startsWith('redirect:')) return navigate(tag.slice(9), { replace: true });
    const element = tag ? document.createElement(tag) : notFound();
    element.params = found?.params ?? {};
    element.route = found?.pattern ?? '';
    if (PUBLIC.has(path)) { replace(root, element); return; }
    if (!state.workspace) return navigate('/sign-in', { replace: true });
    let shell = root.querySelector('sp-app-shell');
    if (!shell) { shell = document.createElement('sp-app-shell'); replace(root, shell); }
    shell.show(element, path);
  } catch (error) {
    replace(root, h('main', { class: 'center-page' }, h('h1', {}, 'Something went wrong'),
      h('p', { role: 'alert' }, error instanceof ApiError ? error.message : 'The console could not start.')));
    if (!(error instanceof ApiError)) throw error;
  }
}

function notFound() {
  return h('section', { class: 'page' }, h('h1', {}, 'Page not found'),
    h('p', {}, 'Nothing lives at this address.'), h('a', { href: '/connections' }, 'Go to Connections'));
}

start(draw);
