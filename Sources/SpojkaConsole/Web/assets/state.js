// What every page shares: who is signed in, their workspaces and the current one, the connector catalog.
import { api, setCsrf } from './api.js';

const WORKSPACE_KEY = 'spojka.workspace'; // an ID, not a secret
export const state = { user: null, workspaces: [], workspace: null, connectors: null };

/** Loads the session; resolves to false when nobody is signed in. */
export async function loadSession() {
  // Asked together with the session: a signed-in visitor saves a round trip, a signed-out one gets two 401s.
  const workspaces = api('GET', '/workspaces', undefined, { quiet: true }).then((page) => ({ page }), (error) => ({ error }));
  try {
    const session = await api('GET', '/session');
    state.user = session.user;
    setCsrf(session.csrfToken ?? null);
  } catch (error) {
    if (error.status === 401) { signedOut(); return false; }
    throw error;
  }
  const { page, error } = await workspaces;
  if (error?.status === 401) { signedOut(); return false; } // the session ended in between
  if (error) throw error;
  useWorkspaces(page.items);
  return true;
}

/** Forgets the session in memory (the server has ended it). */
export function signedOut() {
  state.user = null; state.workspaces = []; state.workspace = null; state.connectors = null;
  setCsrf(null);
}

/** Reloads the workspace list and keeps the chosen one when it still exists. */
export async function loadWorkspaces() {
  useWorkspaces((await api('GET', '/workspaces')).items);
}

function useWorkspaces(items) {
  state.workspaces = items;
  const saved = localStorage.getItem(WORKSPACE_KEY);
  state.workspace = state.workspaces.find((w) => w.id === saved) ?? state.workspaces[0] ?? null;
}

/** Switches the current workspace. */
export function chooseWorkspace(id) {
  state.workspace = state.workspaces.find((w) => w.id === id) ?? state.workspace;
  if (state.workspace) localStorage.setItem(WORKSPACE_KEY, state.workspace.id);
}

/** `/workspaces/{current}{path}`. */
export function ws(path = '') { return `/workspaces/${state.workspace.id}${path}`; }

/** Workspace roles by rank. */
export const RANK = { viewer: 0, member: 1, admin: 2, owner: 3 };
/** Whether the caller's role in the current workspace is at least `role`. */
export function atLeast(role) { return (RANK[state.workspace?.role] ?? -1) >= RANK[role]; }

/** Whether the caller may change `connection` (the server decides; this only hides controls). */
export function canManage(connection) {
  return atLeast('admin') || (state.workspace?.role === 'member' && connection.owner?.id === state.user?.id);
}

/** The catalog (fetched once per session). */
export async function connectors() {
  if (!state.connectors) state.connectors = (await api('GET', '/connectors')).items;
  return state.connectors;
}

const details = new Map();
/** A connector with its tools (one request per key and session; a failed one is tried again). */
export function connectorDetail(key) {
  if (!details.has(key)) details.set(key, api('GET', `/connectors/${encodeURIComponent(key)}`).catch((e) => { details.delete(key); throw e; }));
  return details.get(key);
}

/** A readable form of a connection's upstream account. */
export function accountText(account) {
  if (account === null || account === undefined) return '—';
  if (typeof account !== 'object') return String(account);
  for (const key of ['name', 'login', 'email', 'team', 'shop', 'username', 'id']) if (typeof account[key] === 'string') return account[key];
  const first = Object.values(account).find((v) => typeof v === 'string' || typeof v === 'number');
  return first === undefined ? '—' : String(first);
}
