// Your API tokens: create (the secret is shown once, with Copy), list without secrets, revoke.
import { api } from '../api.js';
import { h, replace, time } from '../dom.js';
import { alertBox, field, pageHeader, showFieldErrors } from '../components/forms.js';
import { oneTime } from './members.js';
import { scopeEditor, scopeText } from './token-scope.js';

class TokensPage extends HTMLElement {
  connectedCallback() { this.draw(); }

  async draw(created) {
    const alert = alertBox();
    let tokens;
    try { tokens = (await api('GET', '/tokens')).items; } catch (error) { return replace(this, h('p', { class: 'error' }, error.message)); }
    const name = field('Name', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' }, { hint: 'What will use it, e.g. "CI deploys".' });
    const expires = field('Expires', { name: 'expiresAt', type: 'date' }, { hint: 'Optional.' });
    const scope = scopeEditor();
    const button = h('button', { type: 'submit', class: 'primary' }, 'Create token');
    const form = h('form', { class: 'inline-form', on: { submit: async (e) => {
      e.preventDefault(); button.disabled = true;
      const body = { name: name.input.value };
      if (expires.input.value) body.expiresAt = new Date(expires.input.value + 'T23:59:59').toISOString();
      const limits = scope.value();
      if (limits) body.scope = limits;
      try { const t = await api('POST', '/tokens', body); this.draw(oneTime(`Token "${t.name}" (shown once — copy it now)`, t.token)); }
      catch (error) { showFieldErrors([name, expires], error); if (!Object.keys(error.fields).length) alert.show(error.message); button.disabled = false; }
    } } }, h('h2', {}, 'Create a token'), name, expires, scope, h('div', { class: 'actions' }, button));
    const active = tokens.filter((t) => !t.revokedAt);
    replace(this, h('section', { class: 'page' }, pageHeader('API tokens'),
      h('p', { class: 'muted' }, 'Tokens let scripts and the CLI call the API as you (Authorization: Bearer …). Browser sessions are listed as "console session".'),
      alert, created ?? null, form,
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, `${active.length} active token${active.length === 1 ? '' : 's'}`),
        h('thead', {}, h('tr', {}, ['Name', 'Scope', 'Created', 'Last used', 'Expires', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, active.map((t) => h('tr', {},
          h('th', { scope: 'row', 'data-label': 'Name' }, t.name),
          h('td', { 'data-label': 'Scope' }, scopeText(t.scope)),
          h('td', { 'data-label': 'Created' }, time(t.createdAt)),
          h('td', { 'data-label': 'Last used' }, time(t.lastUsedAt)),
          h('td', { 'data-label': 'Expires' }, t.expiresAt ? new Date(t.expiresAt).toLocaleDateString() : 'never'),
          h('td', {}, h('button', { type: 'button', class: 'link-button', 'aria-label': `Revoke ${t.name}`, on: { click: async () => {
            try { await api('DELETE', `/tokens/${t.id}`); this.draw(); } catch (error) { alert.show(error.message); }
          } } }, 'Revoke')))))))));
  }
}

customElements.define('sp-tokens-page', TokensPage);
