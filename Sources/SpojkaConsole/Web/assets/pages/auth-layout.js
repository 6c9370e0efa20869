// The frame of the pages shown before sign-in: a centred card with the logo.
import { h } from '../dom.js';

/** A full-page card with `title` and content. */
export function authCard(title, intro, ...content) {
  return h('main', { class: 'auth-page' }, h('div', { class: 'auth-card' },
    h('div', { class: 'auth-brand' }, h('img', { src: '/assets/icons/logo.svg', alt: '', width: 32, height: 32 }), h('span', {}, 'Spojka')),
    h('h1', {}, title), intro ? h('p', { class: 'muted' }, intro) : null, content));
}
