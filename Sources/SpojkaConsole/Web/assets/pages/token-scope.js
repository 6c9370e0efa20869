// The scope of an API token for agents (MCP): one workspace, all or chosen connections, per connection an allow-list
// of tools, read-only, and whether utility connectors are offered. A scoped token reaches /mcp and nothing else.
import { api, query } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { connectorDetail, state } from '../state.js';
import { toolsOf } from './connection-tools.js';

function checkbox(label, attributes = {}, hint) {
  const id = uid(attributes.name ?? 'check');
  const input = h('input', { type: 'checkbox', id, ...attributes });
  const wrapper = h('div', { class: 'field checkbox' }, input, h('label', { for: id }, label), hint ? h('p', { class: 'hint' }, hint) : null);
  wrapper.input = input;
  return wrapper;
}

/** The scope editor; `.value()` is the scope to send, or `undefined` for a full (unscoped) token. */
export function scopeEditor() {
  const enabled = checkbox('Limit this token to agents (MCP)', { name: 'scoped' },
    'A scoped token can only list and call tools at /mcp, within what you choose here; every other API route refuses it.');
  const workspace = h('select', { id: uid('scope-ws'), name: 'scope.workspace' },
    state.workspaces.map((w) => h('option', { value: w.id, selected: w.id === state.workspace?.id }, w.name)));
  const name = uid('scope-connections');
  const all = h('input', { type: 'radio', name, id: name + '-all', value: 'all', checked: true });
  const chosen = h('input', { type: 'radio', name, id: name + '-chosen', value: 'chosen' });
  const list = h('div', { class: 'scope-connections', hidden: true });
  const readOnly = checkbox('Read-only: only tools that declare readOnlyHint', { name: 'scope.readOnly' });
  const utilities = checkbox('Offer utility connectors (JSON, Text, Math…)', { name: 'scope.includeUtilities' });
  let rows = [];

  async function load() {
    replace(list, h('p', { class: 'muted' }, 'Loading connections…'));
    try {
      const page = await api('GET', `/workspaces/${workspace.value}/connections` + query({ limit: 200 }));
      const keys = [...new Set(page.items.filter((c) => !c.tools).map((c) => c.connector))];
      const catalog = new Map(await Promise.all(keys.map(async (key) => [key, await connectorDetail(key)])));
      rows = page.items.map((c) => connectionRow(c, toolsOf(c, catalog.get(c.connector) ?? {})));
      replace(list, rows.length ? h('ul', { class: 'plain' }, rows.map((r) => r.element)) : h('p', { class: 'muted' }, 'This workspace has no connections.'));
    } catch (error) { replace(list, h('p', { class: 'error' }, error.message)); }
  }
  const toggle = () => { list.hidden = !chosen.checked; if (chosen.checked && rows.length === 0) load(); };
  all.addEventListener('change', toggle); chosen.addEventListener('change', toggle);
  workspace.addEventListener('change', () => { rows = []; if (chosen.checked) load(); });

  const details = h('fieldset', { class: 'scope-editor', hidden: true }, h('legend', {}, 'Scope'),
    h('div', { class: 'field' }, h('label', { for: workspace.id }, 'Workspace'), workspace),
    h('div', { class: 'field checkbox' }, all, h('label', { for: all.id }, 'All connections (also ones added later)')),
    h('div', { class: 'field checkbox' }, chosen, h('label', { for: chosen.id }, 'Chosen connections')),
    list, readOnly, utilities);
  enabled.input.addEventListener('change', () => { details.hidden = !enabled.input.checked; });
  const element = h('div', { class: 'scope' }, enabled, details);
  element.value = () => {
    if (!enabled.input.checked) return undefined;
    const scope = { workspace: workspace.value, readOnly: readOnly.input.checked, includeUtilities: utilities.input.checked };
    if (chosen.checked) {
      const picked = rows.filter((r) => r.box.checked);
      scope.connections = picked.map((r) => r.connection.id);
      const tools = Object.fromEntries(picked.filter((r) => r.allowList()).map((r) => [r.connection.id, r.allowList()]));
      if (Object.keys(tools).length) scope.tools = tools;
    }
    return scope;
  };
  return element;
}

/** One connection of the chosen list: a checkbox and, when ticked, its tools (all ticked: no allow-list). */
function connectionRow(connection, tools) {
  const pick = checkbox(`${connection.name} (${connection.connector}, ${connection.handle})`, { name: 'scope.connections', value: connection.id });
  const boxes = tools.map((t) => checkbox(t.name + (t.readOnly ? ' · read-only' : ''), { name: `scope.tools.${connection.id}`, value: t.name, checked: true }));
  const toolList = h('details', { class: 'advanced scope-tools', hidden: true }, h('summary', {}, `Tools of ${connection.name} (all allowed)`), boxes);
  const summary = toolList.querySelector('summary');
  for (const b of boxes) {
    b.input.addEventListener('change', () => {
      const n = boxes.filter((x) => x.input.checked).length;
      summary.textContent = `Tools of ${connection.name} (${n === boxes.length ? 'all' : n} allowed)`;
    });
  }
  pick.input.addEventListener('change', () => { toolList.hidden = !pick.input.checked; });
  return {
    connection, box: pick.input, element: h('li', {}, pick, toolList),
    allowList: () => (boxes.every((b) => b.input.checked) ? null : boxes.filter((b) => b.input.checked).map((b) => b.input.value)),
  };
}

/** A token's scope in words ("Full access" for an unscoped token). */
export function scopeText(scope) {
  if (!scope) return 'Full access';
  const ws = state.workspaces.find((w) => w.id === scope.workspace)?.name ?? scope.workspace;
  const connections = scope.connections ? `${scope.connections.length} connection${scope.connections.length === 1 ? '' : 's'}` : 'all connections';
  const limited = Object.keys(scope.tools ?? {}).length;
  return ['Agents (MCP) only', ws, connections, limited ? `tool allow-lists on ${limited}` : null,
    scope.readOnly ? 'read-only' : null, scope.includeUtilities ? 'utilities' : null].filter(Boolean).join(' · ');
}
