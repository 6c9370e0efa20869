// A tiny client-side router on the history API: routes are patterns like '/connections/:id'.
const routes = [];
let render = () => {};
let leaveGuard = null;
let current = location.pathname + location.search;

/** Sets (or clears, with null) a check run before leaving the page; it returns false to stay (unsaved edits). */
export function setLeaveGuard(fn) { leaveGuard = fn; }
const mayLeave = () => !leaveGuard || leaveGuard();

/** Changes the address without drawing (a page that created what it shows, e.g. /workflows/new → /workflows/{id}). */
export function replaceAddress(url) { history.replaceState(null, '', url); current = location.pathname + location.search; }

/** Registers a route; `load` resolves to the page's custom element tag after importing its module. */
export function route(pattern, load) {
  const names = [];
  const regex = new RegExp('^' + pattern.replace(/:([a-zA-Z]+)/g, (_, name) => { names.push(name); return '([^/]+)'; }) + '/?$');
  routes.push({ regex, names, load, pattern });
}

/** The route matching `path`, with its decoded parameters. */
export function match(path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) return { ...r, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

/** Goes to `url` inside the console (pushes a history entry unless `replace`). */
export function navigate(url, { replace = false } = {}) {
  if (!replace && !mayLeave()) return;
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  current = location.pathname + location.search;
  render();
}

/** Starts the router: `onRoute` draws the current location; same-origin links navigate without reloading. */
export function start(onRoute) {
  render = onRoute;
  window.addEventListener('popstate', () => {
    if (!mayLeave()) { history.pushState(null, '', current); return; }
    current = location.pathname + location.search;
    render();
  });
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest('a[href]');
    if (!link || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/oauth/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  render();
}
