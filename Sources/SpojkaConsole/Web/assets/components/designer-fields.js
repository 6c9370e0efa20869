// Fields of the designer's properties panel, each bound to one key of the selected node: a change is one undoable edit
// of the model, and the field shows the server's validation message for its path (`nodes.<id>.<path>`).
import { h, uid } from '../dom.js';

/** The value at `path` (['config', 'cron']) of `object`. */
export function getPath(object, path) { return path.reduce((o, k) => (o == null ? undefined : o[k]), object); }

/** Sets (or, for undefined, deletes) the value at `path`, creating objects on the way. */
export function setPath(object, path, value) {
  let o = object;
  for (const k of path.slice(0, -1)) { if (o[k] === null || typeof o[k] !== 'object') o[k] = {}; o = o[k]; }
  if (value === undefined) delete o[path.at(-1)]; else o[path.at(-1)] = value;
}

/** The error key of a path: ['config', 'rules', 0, 'field'] → 'config.rules[0].field'. */
export function pathKey(path) { return path.reduce((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), ''); }

/** JSON when the text parses, otherwise the text itself (so `{{ shape }}` and `Hello {{ input.name }}` stay strings). */
export function parseLoose(text) {
  const t = text.trim();
  if (t === '') return undefined;
  try { return JSON.parse(t); } catch { return text; }
}

/** A value as editable text: strings as they are, anything else as JSON. */
export function looseText(value) {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/**
 * A labelled field bound to `path` of node `ctx.id`. kinds: text, number (a number or a template), select, checkbox,
 * loose (JSON or text), lines (one string per line). `ctx` = {model, id, slots, structure}.
 */
export function boundField(ctx, label, path, { kind = 'text', options = [], hint, required, list, rows = 3, structure = false, placeholder } = {}) {
  const id = uid('prop');
  const node = ctx.model.node(ctx.id);
  const value = getPath(node, path);
  const error = h('p', { class: 'error', id: id + '-error', role: 'alert' });
  const hintEl = hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null;
  const describedBy = [hintEl && id + '-hint', id + '-error'].filter(Boolean).join(' ');
  let input;
  if (kind === 'select') {
    input = h('select', { id, 'aria-describedby': describedBy },
      options.map(([v, text]) => h('option', { value: v, selected: String(value ?? '') === String(v) }, text)));
  } else if (kind === 'checkbox') {
    input = h('input', { id, type: 'checkbox', checked: value === true, 'aria-describedby': describedBy });
  } else if (kind === 'loose' || kind === 'lines') {
    const text = kind === 'lines' ? (Array.isArray(value) ? value.join('\n') : '') : looseText(value);
    input = h('textarea', { id, rows, spellcheck: 'false', 'aria-describedby': describedBy, value: text, placeholder: placeholder ?? false });
  } else {
    input = h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': describedBy, list: list ?? false,
      inputmode: kind === 'number' ? 'decimal' : false, value: value === undefined ? '' : String(value), placeholder: placeholder ?? false });
  }
  input.addEventListener('change', () => {
    const next = readValue(kind, input);
    ctx.model.edit((def) => setPath(def.nodes.find((n) => n.id === ctx.id), path, next), structure ? 'structure' : 'field');
  });
  const labelEl = h('label', { for: id }, label, required ? h('span', { class: 'required' }, ' (required)') : null);
  const wrapper = h('div', { class: kind === 'checkbox' ? 'field checkbox' : 'field' },
    kind === 'checkbox' ? [input, labelEl] : [labelEl, input], hintEl, error);
  registerSlot(ctx, pathKey(path), input, error, label);
  return wrapper;
}

function readValue(kind, input) {
  switch (kind) {
    case 'checkbox': return input.checked || undefined;
    case 'number': {
      const t = input.value.trim();
      if (t === '') return undefined;
      return Number.isFinite(Number(t)) ? Number(t) : t;
    }
    case 'loose': return parseLoose(input.value);
    case 'lines': { const lines = input.value.split('\n').map((l) => l.trim()).filter(Boolean); return lines.length ? lines : undefined; }
    case 'select': return input.value === '' ? undefined : input.value;
    default: return input.value === '' ? undefined : input.value;
  }
}

/** Registers where the server's messages for `key` go (the panel fills them after a failed save). */
export function registerSlot(ctx, key, input, error, label) { ctx.slots.push({ key, input, error, label }); }

/** Shows `messages` ({'config.cron': '…'}) in the matching slots (the longest key that prefixes the path); returns the rest. */
export function showSlotErrors(slots, messages) {
  const rest = {};
  for (const slot of slots) { slot.error.textContent = ''; slot.input?.setAttribute('aria-invalid', 'false'); }
  for (const [path, message] of Object.entries(messages)) {
    const slot = slots.filter((s) => path === s.key || path.startsWith(s.key + '.') || path.startsWith(s.key + '['))
      .sort((a, b) => b.key.length - a.key.length)[0];
    if (!slot) { rest[path] = message; continue; }
    const sub = path.slice(slot.key.length).replace(/^\./, '');
    slot.error.textContent = [slot.error.textContent, `${slot.label}${sub ? ` (${sub})` : ''} ${message}`].filter(Boolean).join(' · ');
    slot.input?.setAttribute('aria-invalid', 'true');
  }
  return rest;
}

/** A <fieldset> with a legend. */
export function group(legend, ...children) { return h('fieldset', { class: 'dz-group' }, h('legend', {}, legend), children); }
