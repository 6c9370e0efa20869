// Add connection: pick a connector, then a form generated from its credential and settings schemas.
// Save verifies first (nothing is stored when the service refuses); "Save without verifying" is for offline set-up.
import { api, query } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { atLeast, connectors, ws } from '../state.js';
import { connectorIcon } from '../components/connector-icon.js';
import { alertBox, field, pageHeader, showFieldErrors, statusLine } from '../components/forms.js';
import '../components/schema-form.js';
import { grouped } from './connectors.js';

class NewConnectionPage extends HTMLElement {
  async connectedCallback() {
    const key = new URLSearchParams(location.search).get('connector');
    if (!key) return this.picker();
    let c;
    try { c = await api('GET', `/connectors/${encodeURIComponent(key)}`); } catch (error) {
      return replace(this, h('section', { class: 'page' }, h('h1', {}, 'Add connection'), h('p', { class: 'error' }, error.message)));
    }
    this.form(c);
  }

  async picker() {
    const list = (await connectors()).filter((c) => c.authType !== 'none');
    const results = h('div', {});
    const search = h('input', { type: 'search', id: 'picker-search', placeholder: 'Search connectors', 'aria-label': 'Search connectors',
      on: { input: () => draw() } });
    const draw = () => replace(results, grouped(list, search.value).map(([category, items]) => h('section', { class: 'category' },
      h('h2', {}, category), h('ul', { class: 'cards' }, items.map((c) => h('li', {},
        h('a', { class: 'card', href: `/connections/new?connector=${c.key}` }, connectorIcon(c.key, { size: 32 }),
          h('span', { class: 'card-text' }, h('strong', {}, c.name), h('span', { class: 'muted' }, c.description)))))))));
    replace(this, h('section', { class: 'page' }, pageHeader('Add connection'),
      h('p', {}, 'Which service do you want to connect?'), h('div', { class: 'toolbar' }, search), results));
    draw();
    search.focus();
  }

  form(c) {
    const oauthOnly = c.auth.type === 'oauth2';
    const offersOAuth = Boolean(c.auth.oauth2) || oauthOnly;
    const name = field('Name', { name: 'name', required: true, maxlength: 200, value: `${c.name} - ` , autocomplete: 'off' },
      { hint: `Say which account or place it reaches, e.g. "${c.name} - Production" or "Shopify - AU Store".` });
    const environment = field('Environment', { name: 'environment' }, { tag: 'select',
      options: [['production', 'Production'], ['staging', 'Staging'], ['development', 'Development']].map(([v, t]) => h('option', { value: v }, t)) });
    const credentials = document.createElement('sp-schema-form').setup(c.auth.fields ?? {}, { prefix: 'credentials' });
    const settings = c.settings ? document.createElement('sp-schema-form').setup(c.settings, { prefix: 'settings' }) : null;
    const serviceUrl = c.serviceUrl ? field('Service URL', { name: 'serviceUrl', type: 'url', placeholder: c.serviceUrl.includes('{{') ? 'https://…' : c.serviceUrl, autocomplete: 'off' },
      { hint: c.serviceUrl.includes('{{') ? 'Leave empty to build it from the settings above. Set it for a proxy or a self-hosted server.'
        : `Leave empty for ${c.serviceUrl}. Set it for a proxy, a regional endpoint or a self-hosted server.` }) : null;
    const alert = alertBox();
    const status = statusLine();
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save and verify');
    const offline = h('button', { type: 'button', on: { click: () => this.submit(false) } }, 'Save without verifying');
    this.parts = { c, name, environment, credentials, settings, serviceUrl, alert, status, save, offline };
    const method = offersOAuth && !oauthOnly ? h('fieldset', { class: 'method' }, h('legend', {}, 'How to connect'),
      [['key', 'With credentials'], ['oauth', 'Sign in with OAuth']].map(([v, label]) => h('label', { class: 'radio' },
        h('input', { type: 'radio', name: 'method', value: v, checked: v === 'key', on: { change: () => this.method(v) } }), ' ', label))) : null;
    this.keySection = h('fieldset', {}, h('legend', {}, 'Credentials'),
      h('p', { class: 'hint' }, 'Stored encrypted. After saving they are never shown again — not even partly.'), credentials);
    this.oauthSection = h('fieldset', { hidden: true }, h('legend', {}, 'OAuth app'), h('p', { class: 'muted' }, 'Loading OAuth apps…'));
    this.actions = h('div', { class: 'actions' }, save, offline);
    replace(this, h('section', { class: 'page narrow' },
      h('p', { class: 'breadcrumb' }, h('a', { href: '/connections' }, 'Connections'), ' / ', h('a', { href: '/connections/new' }, 'Add connection')),
      h('div', { class: 'title-row' }, connectorIcon(c.key, { size: 40 }), pageHeader(`Add a ${c.name} connection`)),
      h('form', { novalidate: true, 'aria-describedby': 'new-connection-status', on: { submit: (e) => { e.preventDefault(); this.submit(true); } } },
        alert, name, environment, method, this.keySection, this.oauthSection,
        settings ? h('fieldset', {}, h('legend', {}, 'Settings'), settings) : null,
        serviceUrl ? h('details', { class: 'advanced' }, h('summary', {}, 'Advanced: service URL'), serviceUrl) : null,
        this.actions, status)));
    status.id = 'new-connection-status';
    if (oauthOnly) this.method('oauth');
    name.input.focus();
  }

  async method(kind) {
    const oauth = kind === 'oauth';
    this.keySection.hidden = oauth;
    this.oauthSection.hidden = !oauth;
    this.parts.offline.hidden = oauth;
    this.parts.save.textContent = oauth ? 'Connect' : 'Save and verify';
    this.oauth = oauth;
    if (!oauth || this.apps) return;
    try {
      this.apps = (await api('GET', ws('/oauth-apps'))).items.filter((a) => a.connector === this.parts.c.key);
    } catch (error) { return replace(this.oauthSection, h('legend', {}, 'OAuth app'), h('p', { class: 'error' }, error.message)); }
    const admin = atLeast('admin');
    if (this.apps.length === 0) {
      return replace(this.oauthSection, h('legend', {}, 'OAuth app'),
        h('p', {}, `No OAuth app is registered for ${this.parts.c.name} in this workspace.`),
        admin ? h('a', { href: `/settings/oauth-apps?connector=${this.parts.c.key}` }, 'Register an OAuth app') : h('p', { class: 'muted' }, 'Ask an admin to register one.'));
    }
    this.appField = field('OAuth app', { name: 'oauthApp' }, { tag: 'select', options: this.apps.map((a) => h('option', { value: a.id }, a.name)),
      hint: 'Connect sends you to the provider to sign in and consent, then back to the new connection.' });
    replace(this.oauthSection, h('legend', {}, 'OAuth app'), this.appField,
      admin ? h('p', {}, h('a', { href: `/settings/oauth-apps?connector=${this.parts.c.key}` }, 'Register another OAuth app')) : null);
  }

  async submit(verify) {
    const p = this.parts;
    p.alert.show('');
    const body = { connector: p.c.key, name: p.name.input.value, environment: p.environment.input.value };
    try {
      if (p.settings) body.settings = p.settings.values();
      if (this.oauth) {
        if (!this.appField) return p.alert.show('Choose an OAuth app first.');
        body.oauthApp = this.appField.input.value;
      } else body.credentials = p.credentials.values({ strings: true });
    } catch (error) { p.settings?.showErrors(error.fields); return p.alert.show('Please check the fields marked below.'); }
    if (!this.oauth && p.serviceUrl?.input.value) body.serviceUrl = p.serviceUrl.input.value;
    for (const b of [p.save, p.offline]) b.disabled = true;
    this.setAttribute('aria-busy', 'true');
    p.status.textContent = this.oauth ? 'Starting the sign-in…' : verify ? `Verifying with ${p.c.name}…` : 'Saving…';
    try {
      const answer = await api('POST', ws('/connections') + query({ verify: verify ? undefined : 'false' }), body);
      if (this.oauth) {
        p.status.textContent = 'Opening the provider…';
        if (answer.authorizationUrl) { location.assign(answer.authorizationUrl); return; }
        return navigate(`/connections/${answer.connection.id}`);
      }
      navigate(`/connections/${answer.id}`);
    } catch (error) {
      p.status.textContent = '';
      const fields = error.fields ?? {};
      showFieldErrors([p.name, p.environment, ...(p.serviceUrl ? [p.serviceUrl] : [])], error);
      p.credentials.showErrors(fields);
      p.settings?.showErrors(fields);
      if (error.code === 'verification_failed') {
        p.alert.show(`${p.c.name} did not accept these credentials — nothing was saved.`, error.message);
      } else if (Object.keys(fields).length) {
        p.alert.show('Please check the fields marked below.', Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; '));
      } else p.alert.show('The connection was not saved.', error.message);
      p.alert.focus?.();
    } finally {
      for (const b of [p.save, p.offline]) b.disabled = false;
      this.removeAttribute('aria-busy');
    }
  }
}

customElements.define('sp-connection-new-page', NewConnectionPage);
