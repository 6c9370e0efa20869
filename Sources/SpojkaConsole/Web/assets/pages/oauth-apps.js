// OAuth apps: the workspace's client registrations for OAuth connections; the client secret is write-only.
import { api } from '../api.js';
import { h, replace, time } from '../dom.js';
import { atLeast, ws } from '../state.js';
import { alertBox, field, pageHeader, showFieldErrors } from '../components/forms.js';

class OAuthAppsPage extends HTMLElement {
  connectedCallback() { this.draw(); }

  async draw(notice) {
    const alert = alertBox();
    let apps;
    try { apps = (await api('GET', ws('/oauth-apps'))).items; } catch (error) { return replace(this, h('p', { class: 'error' }, error.message)); }
    replace(this, h('section', { class: 'page' }, pageHeader('OAuth apps'),
      h('p', { class: 'muted' }, 'An OAuth app is your registration with a provider (client ID and secret). OAuth connections sign in through one.'),
      alert, notice ?? null, atLeast('admin') ? await this.createForm(alert) : null,
      apps.length === 0 ? h('p', { class: 'empty' }, 'No OAuth app yet.') : h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, 'OAuth apps'),
        h('thead', {}, h('tr', {}, ['Name', 'Connector', 'Client ID', 'Client secret', 'Scopes', 'Redirect URI', 'Created', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, apps.map((a) => h('tr', {},
          h('th', { scope: 'row', 'data-label': 'Name' }, a.name), h('td', { 'data-label': 'Connector' }, a.connector),
          h('td', { 'data-label': 'Client ID' }, h('code', {}, a.clientId)), h('td', { 'data-label': 'Client secret' }, 'set (write-only)'),
          h('td', { 'data-label': 'Scopes' }, a.scopes.join(' ') || '—'), h('td', { 'data-label': 'Redirect URI' }, h('code', {}, a.redirectUri)),
          h('td', { 'data-label': 'Created' }, time(a.createdAt)),
          h('td', {}, atLeast('admin') ? h('button', { type: 'button', class: 'link-button', 'aria-label': `Delete ${a.name}`, on: { click: async () => {
            try { await api('DELETE', ws(`/oauth-apps/${a.id}`)); this.draw(); } catch (error) { alert.show('Not deleted.', error.message); }
          } } }, 'Delete') : null))))))));
  }

  async createForm(alert) {
    const catalog = (await api('GET', '/connectors')).items.filter((c) => c.authType !== 'none');
    const preset = new URLSearchParams(location.search).get('connector');
    const fields = [
      field('Connector', { name: 'connector' }, { tag: 'select', options: catalog.map((c) => h('option', { value: c.key, selected: c.key === preset }, c.name)) }),
      field('Name', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' }),
      field('Client ID', { name: 'clientId', required: true, autocomplete: 'off', spellcheck: 'false' }),
      field('Client secret', { name: 'clientSecret', type: 'password', required: true, autocomplete: 'off' }, { hint: 'Write-only: stored encrypted, never shown again.' }),
      field('Scopes', { name: 'scopes', autocomplete: 'off' }, { hint: 'Separated by spaces; empty for the connector\'s defaults.' }),
      field('Authorization URL', { name: 'authorizationUrl', type: 'url' }, { hint: 'Only for connectors without a known provider.' }),
      field('Token URL', { name: 'tokenUrl', type: 'url' }),
      field('Userinfo URL', { name: 'userinfoUrl', type: 'url' }, { hint: 'Where the connection\'s account (who signed in) is read.' }),
    ];
    const button = h('button', { type: 'submit', class: 'primary' }, 'Register');
    return h('details', { class: 'advanced', open: Boolean(preset) }, h('summary', {}, 'Register an OAuth app'),
      h('form', { novalidate: true, on: { submit: async (e) => {
        e.preventDefault(); button.disabled = true;
        const body = {};
        for (const f of fields) {
          const value = f.input.value.trim();
          if (!value) continue;
          body[f.fieldName] = f.fieldName === 'scopes' ? value.split(/\s+/) : value;
        }
        try { await api('POST', ws('/oauth-apps'), body); this.draw(h('p', { class: 'note', role: 'status' }, 'OAuth app registered.')); }
        catch (error) { const rest = showFieldErrors(fields, error); alert.show('Not registered.', Object.keys(rest).length ? Object.entries(rest).map(([k, v]) => `${k} ${v}`).join('; ') : error.message); button.disabled = false; }
      } } }, fields, h('div', { class: 'actions' }, button)));
  }
}

customElements.define('sp-oauth-apps-page', OAuthAppsPage);
