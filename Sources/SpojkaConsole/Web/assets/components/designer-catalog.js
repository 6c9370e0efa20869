// What the designer looks up while editing, fetched once per page: connector details (tools with schemas), the
// workspace's connections (display name, status, environment — never a credential), members and workflows.
import { api, query } from '../api.js';
import { connectorDetail, connectors, ws } from '../state.js';

/** The catalog summaries, by key. */
export async function catalogByKey() { return new Map((await connectors()).map((c) => [c.key, c])); }

/** Every connection of the workspace (all pages). */
export async function allConnections() {
  const items = [];
  let cursor = null;
  do {
    const page = await api('GET', ws('/connections') + query({ limit: 200, cursor }));
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
