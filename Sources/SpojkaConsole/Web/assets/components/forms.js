// Small helpers for hand-built forms: a labelled field with hint and error slots, and API errors placed next to fields.
import { h, replace, uid } from '../dom.js';

/** A labelled input: returns the wrapper with `.input` and `.error` properties. */
export function field(label, attributes = {}, { hint, tag = 'input', options } = {}) {
  const id = attributes.id ?? uid(attributes.name ?? 'field');
  const hintId = hint ? id + '-hint' : null;
  const errorId = id + '-error';
  const input = h(tag, { ...attributes, id, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') }, options ?? []);
  const error = h('p', { class: 'error', id: errorId, role: 'alert' });
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label,
    attributes.required ? h('span', { class: 'required' }, ' (required)') : null), input,
  hint ? h('p', { class: 'hint', id: hintId }, hint) : null, error);
  wrapper.input = input; wrapper.error = error; wrapper.fieldName = attributes.name;
  return wrapper;
}

/** Shows `error.fields` next to the matching fields (by name); returns messages no field took. */
export function showFieldErrors(fields, error) {
  const rest = { ...(error?.fields ?? {}) };
  for (const f of fields) {
    const message = rest[f.fieldName];
    f.error.textContent = message ? `${f.querySelector('label').firstChild.textContent} ${message}` : '';
    f.input.setAttribute('aria-invalid', message ? 'true' : 'false');
    delete rest[f.fieldName];
  }
  return rest;
}

/** A status line for a form (polite live region). */
export function statusLine() { return h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' }); }

/** An alert box (hidden until it has text). */
export function alertBox() {
  const box = h('div', { class: 'alert', role: 'alert', tabindex: '-1', hidden: true });
  box.show = (title, detail) => {
    box.replaceChildren(h('strong', {}, title), detail ? h('p', {}, detail) : null);
    box.hidden = !title;
  };
  return box;
}

/** A page heading row with optional actions. */
export function pageHeader(title, ...actions) {
  return h('div', { class: 'page-header' }, h('h1', {}, title), actions.length ? h('div', { class: 'actions' }, actions) : null);
}

/** Fills `nav` with the buttons of cursor paging: `cursors` is the page's stack of cursors, `load(cursor)` draws a page. */
export function pagerButtons(nav, cursors, nextCursor, load, [previous, next] = ['Previous page', 'Next page']) {
  replace(nav,
    cursors.length ? h('button', { type: 'button', on: { click: () => { cursors.pop(); load(cursors.at(-1) ?? null); } } }, previous) : null,
    nextCursor ? h('button', { type: 'button', on: { click: () => { cursors.push(nextCursor); load(nextCursor); } } }, next) : null);
}
