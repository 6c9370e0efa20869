// A connection's page: rename in place, status with reason, account, settings, the credential fields that are set
// (never a value), Verify now, Rotate, Reconnect (OAuth), Delete; tabs Usage / Activity / Access log.
import { api, query } from '../api.js';
import { h, replace, time } from '../dom.js';
import { navigate } from '../router.js';
import { accountText, atLeast, canManage, ws } from '../state.js';
import { connectorIcon } from '../components/connector-icon.js';
import { alertBox, field, showFieldErrors, statusLine } from '../components/forms.js';
import '../components/dialog-box.js';
import '../components/schema-form.js';
import { statusBadge } from '../components/status-badge.js';
import { connectionTabs } from './connection-tabs.js';
import { toolsPanel } from './connection-tools.js';

class ConnectionPage extends HTMLElement {
  async connectedCallback() {
    try {
      this.connection = await api('GET', ws(`/connections/${encodeURIComponent(this.params.id)}`));
      this.connector = await api('GET', `/connectors/${encodeURIComponent(this.connection.connector)}`);
    } catch (error) {
      return replace(this, h('section', { class: 'page' }, h('h1', {}, 'Connection not found'), h('p', {}, error.message),
        h('a', { href: '/connections' }, 'Back to Connections')));
    }
    this.draw();
  }

  draw(message) {
    const c = this.connection;
    const manage = canManage(c);
    this.alert = alertBox();
    this.status = statusLine();
    // An OAuth connection holds tokens the credential schema does not name (refreshToken); the API does not say it directly yet.
    const schemaFields = Object.keys(this.connector.auth.fields?.properties ?? {});
    const oauth = this.connector.auth.type === 'oauth2' || (Boolean(this.connector.auth.oauth2)
      && (c.credentialFields.length === 0 || c.credentialFields.some((f) => !schemaFields.includes(f))));
    this.heading = h('h1', { id: 'connection-name' }, c.name);
    replace(this, h('section', { class: 'page' },
      h('p', { class: 'breadcrumb' }, h('a', { href: '/connections' }, 'Connections'), ' / ', c.name),
      h('div', { class: 'title-row' }, connectorIcon(c.connector, { size: 40 }), h('div', { class: 'page-header' }, this.heading,
        manage ? h('div', { class: 'actions' },
          h('button', { type: 'button', on: { click: () => this.rename() } }, 'Rename'),
          h('button', { type: 'button', on: { click: () => this.verify() } }, 'Verify now'),
          oauth ? null : h('button', { type: 'button', on: { click: () => this.rotate() } }, 'Rotate credentials'),
          oauth ? h('button', { type: 'button', on: { click: () => this.reconnect() } }, 'Reconnect') : null,
          h('button', { type: 'button', class: 'danger', on: { click: () => this.remove() } }, 'Delete')) : null)),
      this.alert, this.status,
      h('div', { class: 'status-panel' }, statusBadge(c), c.checkedAt ? h('span', { class: 'muted' }, ' checked ', time(c.checkedAt)) : null),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Connector'), h('dd', {}, h('a', { href: `/connectors/${c.connector}` }, this.connector.name), ` (version ${c.connectorVersion})`),
        h('dt', {}, 'ID'), h('dd', {}, h('code', {}, c.id)),
        h('dt', {}, 'Account'), h('dd', { id: 'connection-account' }, accountText(c.account)),
        h('dt', {}, 'Environment'), h('dd', {}, c.environment),
        h('dt', {}, 'Owner'), h('dd', {}, c.owner?.email ?? '—'),
        h('dt', {}, 'Service URL'), h('dd', {}, h('code', {}, c.serviceUrl ?? resolved(this.connector.serviceUrl, c.settings) ?? '—')),
        h('dt', {}, 'Credentials set'), h('dd', { id: 'credential-fields' }, c.credentialFields.length
          ? h('ul', { class: 'inline-list' }, c.credentialFields.map((f) => h('li', {}, f))) : 'none', h('span', { class: 'muted' }, ' (values are never shown)')),
        this.connector.settings ? [h('dt', {}, 'Settings'), h('dd', {}, settingsList(c.settings))] : null,
        h('dt', {}, 'Last used'), h('dd', {}, time(c.lastUsedAt)),
        h('dt', {}, 'Created'), h('dd', {}, time(c.createdAt))),
      manage && this.connector.settings ? this.settingsEditor() : null,
      toolsPanel(c, this.connector, { manage, onSaved: (updated, text) => { this.connection = updated; this.draw(text); } }),
      connectionTabs(c, { accessLog: atLeast('admin') })));
    if (message) this.status.textContent = message;
  }

  settingsEditor() {
    const form = document.createElement('sp-schema-form').setup(this.connector.settings, { prefix: 'settings', values: this.connection.settings ?? {} });
    const alert = alertBox();
    const save = h('button', { type: 'submit' }, 'Save settings');
    return h('details', { class: 'advanced' }, h('summary', {}, 'Change settings'),
      h('form', { novalidate: true, on: { submit: async (e) => {
        e.preventDefault(); save.disabled = true; alert.show('');
        try {
          this.connection = await api('PATCH', ws(`/connections/${this.connection.id}`), { settings: form.values() });
          this.draw('Settings saved and verified.');
        } catch (error) {
          form.showErrors(error.fields ?? {});
          alert.show('The settings were not changed; the old values are kept.', error.message);
        } finally { save.disabled = false; }
      } } }, alert, form, h('div', { class: 'actions' }, save)));
  }

  rename() {
    const name = field('Name', { name: 'name', required: true, maxlength: 200, value: this.connection.name, autocomplete: 'off' });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
    const cancel = h('button', { type: 'button', on: { click: () => this.draw() } }, 'Cancel');
    const form = h('form', { class: 'inline-form', on: { submit: async (e) => {
      e.preventDefault(); save.disabled = true;
      try {
        this.connection = await api('PATCH', ws(`/connections/${this.connection.id}`), { name: name.input.value });
        this.draw('Renamed.');
      } catch (error) { showFieldErrors([name], error); if (!error.fields.name) name.error.textContent = error.message; save.disabled = false; }
    } } }, name, h('div', { class: 'actions' }, save, cancel));
    this.heading.replaceWith(form);
    name.input.select();
  }

  async verify() {
    this.status.textContent = 'Verifying…'; this.alert.show('');
    try {
      this.connection = await api('POST', ws(`/connections/${this.connection.id}/verify`));
      const c = this.connection;
      this.draw(c.status === 'active' ? 'Verified: the service accepts the credentials.'
        : `Verification failed: ${c.statusReason ?? 'the service refused'}. The status is now ${c.status}.`);
    } catch (error) { this.status.textContent = ''; this.alert.show('Verification could not run.', error.message); }
  }

  rotate() {
    const form = document.createElement('sp-schema-form').setup(this.connector.auth.fields ?? {}, { prefix: 'credentials' });
    const alert = alertBox();
    const dialog = document.createElement('sp-dialog-box');
    dialog.open('Rotate credentials', [h('p', {}, 'The new credentials are verified first; if the service refuses them the old ones stay in place.'), alert, form],
      'Verify and rotate', async () => {
        alert.show('');
        try {
          this.connection = await api('PUT', ws(`/connections/${this.connection.id}/credentials`), { credentials: form.values({ strings: true }) });
          this.draw('Credentials rotated and verified; workflows use them from now on.');
          return true;
        } catch (error) {
          form.showErrors(error.fields ?? {});
          alert.show('Rotation refused — the old credentials are kept and keep working.', error.message);
          return false;
        }
      });
  }

  async reconnect() {
    try {
      const answer = await api('POST', ws(`/connections/${this.connection.id}/authorize`), {});
      if (answer.authorizationUrl) location.assign(answer.authorizationUrl);
    } catch (error) { this.alert.show('Cannot reconnect.', error.message); }
  }

  async remove() {
    const c = this.connection;
    let usage;
    try { usage = await api('GET', ws(`/connections/${c.id}/usage`)); } catch (error) { return this.alert.show('Cannot read the usage.', error.message); }
    const dialog = document.createElement('sp-dialog-box');
    const error = h('p', { class: 'error', role: 'alert' });
    const used = usage.workflows.length > 0;
    const typed = used ? field(`Type the connection's name (${c.name}) to delete it anyway`, { name: 'confirm', autocomplete: 'off', required: true }) : null;
    const content = used ? [
      h('p', {}, `${usage.total} workflow${usage.total === 1 ? ' uses' : 's use'} this connection. Deleting it breaks them until they get another connection:`),
      workflowList(usage.workflows), typed, error]
      : [h('p', {}, 'No workflow uses this connection. Its credentials are erased at once; this cannot be undone.'), error];
    dialog.open(`Delete ${c.name}?`, content, used ? 'Delete and break these workflows' : 'Delete', async () => {
      if (used && typed.input.value !== c.name) {
        typed.error.textContent = 'The typed name does not match.';
        typed.input.setAttribute('aria-invalid', 'true');
        typed.input.focus();
        return false;
      }
      try {
        await api('DELETE', ws(`/connections/${c.id}`) + query({ force: used ? 'true' : undefined }));
        navigate('/connections');
        return true;
      } catch (e) {
        if (e.code === 'connection_in_use') {
          error.textContent = 'A workflow started using it meanwhile: ' + (e.details.workflows ?? []).map((w) => w.name).join(', ');
        } else error.textContent = e.message;
        return false;
      }
    }, { danger: true });
  }
}

/** A manifest's service URL with `{{ settings.x }}` filled in from the connection's settings. */
function resolved(template, settings) {
  if (!template) return null;
  return template.replace(/\{\{\s*settings\.([A-Za-z0-9_]+)\s*\}\}/g, (_, key) => String(settings?.[key] ?? `(${key} not set)`));
}

function settingsList(settings) {
  const entries = Object.entries(settings ?? {});
  if (entries.length === 0) return 'defaults';
  return h('ul', { class: 'inline-list' }, entries.map(([k, v]) => h('li', {}, h('code', {}, k), ': ', typeof v === 'string' ? v : JSON.stringify(v))));
}

/** A list of workflows (usage or 409 details). */
export function workflowList(workflows) {
  return h('ul', { class: 'plain' }, workflows.map((w) => h('li', {}, h('strong', {}, w.name), ' ',
    h('span', { class: 'muted' }, `${w.enabled ? 'enabled' : 'disabled'} · versions ${(w.versions ?? []).join(', ')}`))));
}

customElements.define('sp-connection-page', ConnectionPage);
