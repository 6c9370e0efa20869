// A JSON Schema as a readable field table: name, type, required, description, allowed values, default.
// Nested objects and array items appear as dotted rows (address.city, items[].id).
import { h } from '../dom.js';

/** The type of a schema in words. */
export function typeText(schema) {
  if (!schema || typeof schema !== 'object') return 'any';
  if ('const' in schema) return `always ${JSON.stringify(schema.const)}`;
  if (schema.enum) return 'one of the values';
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return variants.map(typeText).join(' or ');
  let type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? (schema.properties ? 'object' : 'any'));
  if (type === 'array') type = `array of ${typeText(schema.items)}`;
  if (schema.format) type += ` (${schema.format})`;
  return type;
}

function constraints(schema) {
  const out = [];
  if (schema.enum) out.push(schema.enum.map((v) => JSON.stringify(v)).join(', '));
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) out.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  if (schema.minItems !== undefined) out.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  if (schema.writeOnly) out.push('secret: never shown again');
  return out.join('; ');
}

/** Every row of a schema: [path, schema, required]. */
export function rows(schema, prefix = '', depth = 0) {
  const out = [];
  if (!schema || typeof schema !== 'object' || depth > 5) return out;
  const required = new Set(schema.required ?? []);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix + name;
    out.push([path, child, required.has(name)]);
    out.push(...nested(child, path, depth));
  }
  return out;
}

function nested(schema, path, depth) {
  if (!schema || typeof schema !== 'object') return [];
  if (schema.properties) return rows(schema, path + '.', depth + 1);
  if (schema.items?.properties) return rows(schema.items, path + '[].', depth + 1);
  return [];
}

/** A <table> of `schema`'s fields, or a sentence when it has none. */
export function schemaTable(schema, caption) {
  const all = rows(schema);
  if (all.length === 0) return h('p', { class: 'muted' }, `${caption}: no fields.`);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'fields' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ['Field', 'Type', 'Required', 'Description', 'Allowed', 'Default'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, all.map(([path, child, required]) => h('tr', {},
      h('th', { scope: 'row', 'data-label': 'Field' }, h('code', {}, path)),
      h('td', { 'data-label': 'Type' }, typeText(child)),
      h('td', { 'data-label': 'Required' }, required ? 'yes' : 'no'),
      h('td', { 'data-label': 'Description' }, child.description ?? child.title ?? ''),
      h('td', { 'data-label': 'Allowed' }, constraints(child)),
      h('td', { 'data-label': 'Default' }, 'default' in child ? JSON.stringify(child.default) : ''))))));
}
