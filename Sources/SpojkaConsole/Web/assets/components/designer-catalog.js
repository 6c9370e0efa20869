// What the designer looks up while editing, fetched once per page: connector details (tools with schemas), the
// workspace's connections (display name, status, environment — never a credential), members and workflows.
import { api } from '../api.js';
import { connectors, ws } from '../state.js';

const details = new Map();

/** A connector with its tools (cached). */
export function connectorDetail(key) {
  if (!details.has(key)) details.set(key, api('GET', `/connectors/${encodeURIComponent(key)}`).catch((e) => { details.delete(key); throw e; }));
  return details.get(key);
}

/** The catalog summaries, by key. */
export async function catalogByKey() { return new Map((await connectors()).map((c) => [c.key, c])); }

/** Every connection of the workspace (all pages). */
export async function allConnections() {
  const items = [];
  let cursor = null;
  do {
    const page = await api('GET', ws('/connections') + `?limit=200${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** The tool `name` of connector `key`, or null. */
export async function toolOf(key, name) {
  if (!key || !name) return null;
  try { return (await connectorDetail(key)).tools.find((t) => t.name === name) ?? null; } catch { return null; }
}
