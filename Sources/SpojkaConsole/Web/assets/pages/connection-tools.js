// A connection's tools and its tool policy: which tools may be called (every path: tool calls, workflows, agents) and
// whether only read-only ones; for a remote MCP server, the tools it discovered at its last verification.
import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { alertBox } from '../components/forms.js';
import { ws } from '../state.js';

/** The tools of `connection` (the connector's, or the discovered ones) as `{name, title, description, readOnly}`. */
export function toolsOf(connection, connector) {
  const tools = connection.tools ?? (connection.connector === 'mcp' ? [] : connector.tools ?? []);
  return tools.map((t) => ({ name: t.name, title: t.title ?? t.name, description: t.description ?? '', readOnly: t.annotations?.readOnlyHint === true }));
}

/** The Tools section; `manage` shows the policy editor, `onSaved(connection)` is called after a change. */
export function toolsPanel(connection, connector, { manage, onSaved }) {
  const discovered = Array.isArray(connection.tools);
  const tools = toolsOf(connection, connector);
  const policy = connection.toolPolicy;
  const allowed = (name) => !policy?.allowedTools || policy.allowedTools.includes(name);
  const alert = alertBox();
  const boxes = tools.map((t) => {
    const id = uid('tool');
    const box = h('input', { type: 'checkbox', id, name: 'allowedTools', value: t.name, checked: allowed(t.name), disabled: !manage });
    return { tool: t, box, row: h('li', { class: 'tool-row' }, h('div', { class: 'field checkbox' }, box,
      h('label', { for: id }, h('code', {}, t.name), ' ', t.title !== t.name ? t.title : null),
      t.readOnly ? h('span', { class: 'tag' }, 'read-only') : null), t.description ? h('p', { class: 'hint' }, t.description) : null) };
  });
  const readOnlyId = uid('read-only');
  const readOnly = h('input', { type: 'checkbox', id: readOnlyId, name: 'readOnly', checked: policy?.readOnly === true, disabled: !manage });
  const save = h('button', { type: 'submit' }, 'Save tool policy');
  const heading = discovered ? `Discovered tools (${tools.length})` : `Tools (${tools.length})`;
  const intro = discovered
    ? 'The tools this MCP server listed at the last verification, with their schemas. Verify now to discover them again.'
    : 'Every tool of the connector.';
  const form = h('form', { id: 'tool-policy', novalidate: true, on: { submit: async (e) => {
    e.preventDefault(); save.disabled = true; alert.show('');
    const chosen = boxes.filter((b) => b.box.checked).map((b) => b.tool.name);
    const body = { toolPolicy: { allowedTools: chosen.length === boxes.length ? null : chosen, readOnly: readOnly.checked } };
    try {
      const updated = await api('PATCH', ws(`/connections/${connection.id}`), body);
      onSaved?.(updated, 'Tool policy saved: it applies to tool calls, workflows and agents.');
    } catch (error) { alert.show('The tool policy was not changed.', error.message); save.disabled = false; }
  } } },
  h('p', { class: 'muted' }, intro, manage ? ' Untick a tool to forbid it on every path (tool calls, workflows, agents).' : ''),
  alert,
  tools.length ? h('ul', { class: 'plain tool-list' }, boxes.map((b) => b.row)) : h('p', { class: 'muted' }, 'No tools.'),
  h('div', { class: 'field checkbox' }, readOnly, h('label', { for: readOnlyId }, 'Read-only: only tools that declare readOnlyHint')),
  manage ? h('div', { class: 'actions' }, save) : null);
  return h('details', { class: 'advanced', id: 'connection-tools', open: discovered || Boolean(policy) }, h('summary', {}, heading), form);
}
