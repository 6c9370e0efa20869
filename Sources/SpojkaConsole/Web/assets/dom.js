// Building DOM from data: text always goes in as text nodes, never as HTML.
const PROPERTIES = new Set(['value', 'checked', 'selected', 'indeterminate']);

/** Creates an element: h('a', {href: '/x', class: 'link', on: {click}}, 'text', child). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  const later = [];
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') { for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn); }
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (PROPERTIES.has(key)) later.push([key, value]);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  for (const [key, value] of later) el[key] = value;
  return el;
}

/** Appends children (strings become text nodes; null, false and undefined are skipped). */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces every child of `el`. */
export function replace(el, ...children) { el.replaceChildren(); return append(el, children); }

let counter = 0;
/** A unique element id with a readable prefix. */
export function uid(prefix = 'f') { counter += 1; return `${prefix}-${counter}`; }

/** "3 minutes ago" for an ISO date, or an em dash. */
export function ago(iso) {
  if (!iso) return '—';
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
  let value = -seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return rtf.format(Math.round(value), unit);
    value /= size;
  }
  return iso;
}

/** A full local date and time, for title attributes. */
export function when(iso) { return iso ? new Date(iso).toLocaleString() : ''; }

/** A `<time>` element showing the relative time with the exact one on hover. */
export function time(iso) { return iso ? h('time', { datetime: iso, title: when(iso) }, ago(iso)) : '—'; }

/** Writes `text` to the clipboard; resolves to whether it worked. */
export async function copy(text) {
  try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
}
