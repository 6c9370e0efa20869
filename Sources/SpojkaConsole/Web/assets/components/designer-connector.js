// The Connector node's properties: connector, tool (with its description), the connection picker (this workspace's
// connections of that connector by display name, status badge and environment — never a credential), and the tool's
// arguments as a form generated from its input schema, where each field takes a literal or a {{ template }}.
import { h, replace, uid } from '../dom.js';
import { connectorDetail } from '../state.js';
import { group, looseText, registerSlot, setPath } from './designer-fields.js';
import { title } from './schema-form.js';
import { statusBadge } from './status-badge.js';

/** The connector section for node `ctx.id`; `env` = {catalog, connections(), refreshConnections(), variables(id)}. */
export function connectorSection(ctx, env) {
  const box = h('div', { class: 'dz-connector' }, h('p', { class: 'muted' }, 'Loading the connector…'));
  fill(box, ctx, env).catch((e) => replace(box, h('p', { class: 'error', role: 'alert' }, e.message)));
  return box;
}

const editConfig = (ctx, fn, reason = 'structure') => ctx.model.edit((def) => fn(def.nodes.find((n) => n.id === ctx.id).config ??= {}), reason);

async function fill(box, ctx, env) {
  const config = ctx.model.node(ctx.id).config ?? {};
  const connectorId = uid('prop');
  const connectorSelect = h('select', { id: connectorId, on: { change: () => editConfig(ctx, (c) => {
    c.connector = connectorSelect.value || undefined; delete c.tool; delete c.connection; c.arguments = {};
  }) } }, h('option', { value: '' }, 'Choose a connector…'),
  env.catalog.map((c) => h('option', { value: c.key, selected: c.key === config.connector }, c.name)));
  const connectorError = h('p', { class: 'error', role: 'alert' });
  registerSlot(ctx, 'config.connector', connectorSelect, connectorError, 'Connector');
  const parts = [h('div', { class: 'field' }, h('label', { for: connectorId }, 'Connector'), connectorSelect, connectorError)];
  if (!config.connector) { replace(box, parts); return ctx.ready?.(); }
  const detail = await connectorDetail(config.connector);
  const tool = detail.tools.find((t) => t.name === config.tool);
  const toolId = uid('prop');
  const toolSelect = h('select', { id: toolId, 'aria-describedby': toolId + '-hint', on: { change: () => editConfig(ctx, (c) => {
    c.tool = toolSelect.value || undefined; c.arguments = {};
  }) } }, h('option', { value: '' }, 'Choose a tool…'),
  detail.tools.map((t) => h('option', { value: t.name, selected: t.name === config.tool }, t.title ?? t.name)));
  const toolError = h('p', { class: 'error', role: 'alert' });
  registerSlot(ctx, 'config.tool', toolSelect, toolError, 'Tool');
  parts.push(h('div', { class: 'field' }, h('label', { for: toolId }, 'Tool'), toolSelect,
    h('p', { class: 'hint', id: toolId + '-hint' }, tool?.description ?? ''), toolError));
  parts.push(detail.needsConnection ? connectionPicker(ctx, env, detail, config)
    : h('p', { class: 'muted' }, `${detail.name} needs no connection.`));
  if (tool) parts.push(await argumentsForm(ctx, env, tool, config));
  replace(box, parts);
  ctx.ready?.();
}

/** Radio buttons, one per connection of this connector; a deleted connection is named with a way to pick another. */
function connectionPicker(ctx, env, detail, config) {
  const mine = env.connections().filter((c) => c.connector === detail.key);
  const name = uid('connection');
  const error = h('p', { class: 'error', role: 'alert' });
  const missing = config.connection && !mine.some((c) => c.id === config.connection);
  const choose = (id) => editConfig(ctx, (c) => { c.connection = id; });
  const options = mine.map((c) => h('label', { class: 'dz-connection' },
    h('input', { type: 'radio', name, value: c.id, checked: c.id === config.connection, on: { change: () => choose(c.id) } }),
    h('span', { class: 'dz-connection-name' }, c.name), statusBadge(c, false), h('span', { class: 'muted' }, c.environment)));
  const refresh = h('button', { type: 'button', class: 'link-button', on: { click: async () => {
    const before = new Set(mine.map((c) => c.id));
    await env.refreshConnections();
    const added = env.connections().find((c) => c.connector === detail.key && !before.has(c.id));
    if (added) choose(added.id); else ctx.redraw();
  } } }, 'Refresh list');
  const fieldset = group('Connection',
    missing ? h('div', { class: 'alert dz-missing', role: 'alert' }, h('strong', {}, 'This connection was deleted: '), h('code', {}, config.connection),
      h('p', {}, 'Runs fail at this node with connection_not_found. Pick another connection below.')) : null,
    options.length ? h('div', { class: 'dz-connections', role: 'radiogroup', 'aria-label': 'Connection' }, options)
      : h('p', { class: 'muted' }, `This workspace has no ${detail.name} connection yet.`),
    h('p', { class: 'dz-actions' }, h('a', { href: `/connections/new?connector=${encodeURIComponent(detail.key)}`, target: '_blank', rel: 'noopener' },
      'Add connection'), ' (opens in a new tab) · ', refresh),
    error);
  registerSlot(ctx, 'config.connection', fieldset.querySelector('input'), error, 'Connection');
  return fieldset;
}

/** One field per property of the tool's input schema; each takes a literal or a template. */
async function argumentsForm(ctx, env, tool, config) {
  const schema = tool.inputSchema ?? {};
  const required = new Set(schema.required ?? []);
  const args = config.arguments ?? {};
  const variables = await env.variables(ctx.id);
  const listId = uid('variables');
  let last = null;
  const fields = Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const id = uid('arg');
    const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
    const complex = type === 'object' || type === 'array';
    const attrs = { id, name, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `${id}-hint ${id}-error`, value: looseText(args[name]) };
    const input = complex ? h('textarea', { ...attrs, rows: 2 }) : h('input', { ...attrs, type: 'text', list: listId });
    input.addEventListener('focus', () => { last = input; });
    input.addEventListener('change', () => editConfig(ctx, (c) => setPath(c, ['arguments', name], argumentValue(input.value, type)), 'field'));
    const error = h('p', { class: 'error', id: `${id}-error`, role: 'alert' });
    registerSlot(ctx, `config.arguments.${name}`, input, error, title(name, prop));
    const kind = prop.enum ? `one of ${prop.enum.join(', ')}` : (type ?? 'any');
    return h('div', { class: 'field' }, h('label', { for: id }, title(name, prop), required.has(name) ? h('span', { class: 'required' }, ' (required)') : null),
      input, h('p', { class: 'hint', id: `${id}-hint` }, `${prop.description ?? ''} (${kind}; a value or a {{ template }})`), error);
  });
  const insert = (v) => {
    const target = last ?? fields[0]?.querySelector('input, textarea');
    if (!target) return;
    target.value = target.value ? `${target.value}{{ ${v} }}` : `{{ ${v} }}`;
    target.dispatchEvent(new Event('change'));
    target.focus();
  };
  const argsError = h('p', { class: 'error', role: 'alert' });
  registerSlot(ctx, 'config.arguments', null, argsError, 'Arguments');
  return group('Arguments', argsError,
    h('datalist', { id: listId }, variables.map((v) => h('option', { value: `{{ ${v} }}` }))),
    fields.length ? fields : h('p', { class: 'muted' }, 'This tool takes no arguments.'),
    variables.length ? h('div', { class: 'dz-variables' }, h('p', { class: 'hint' }, 'Variables in scope (insert into the last field you were in):'),
      h('ul', { class: 'dz-chips' }, variables.map((v) => h('li', {}, h('button', { type: 'button', class: 'dz-chip', on: { click: () => insert(v) },
        'aria-label': `Insert ${v}` }, h('code', {}, v)))))) : null);
}

/** A typed argument: templates stay text; numbers, booleans and JSON are typed when the schema says so. */
export function argumentValue(text, type) {
  const t = text.trim();
  if (t === '') return undefined;
  if (/\{\{.*\}\}/s.test(t) && !(t.startsWith('{') && !t.startsWith('{{')) && !t.startsWith('[')) return text;
  if ((type === 'number' || type === 'integer') && Number.isFinite(Number(t))) return Number(t);
  if (type === 'boolean' && (t === 'true' || t === 'false')) return t === 'true';
  if (type === 'object' || type === 'array' || type === undefined) { try { return JSON.parse(t); } catch { return text; } }
  return text;
}
