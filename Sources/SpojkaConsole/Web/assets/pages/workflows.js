// The Workflows list: name, enabled switch, trigger, last run, broken badge, updated by/at; create, duplicate, delete,
// import and export of the JSON definition (connection IDs only — a definition holds no secret).
import { api, query } from '../api.js';
import { h, replace, time } from '../dom.js';
import { navigate } from '../router.js';
import { atLeast, ws } from '../state.js';
import { alertBox, field, pageHeader, pagerButtons, statusLine } from '../components/forms.js';
import '../components/dialog-box.js';
import { runStatus } from '../components/run-status.js';

const PAGE = 50;
const TRIGGERS = { manual: 'Manual', webhook: 'Webhook', schedule: 'Schedule' };

class WorkflowsPage extends HTMLElement {
  connectedCallback() {
    this.cursors = [];
    this.alert = alertBox();
    this.status = statusLine();
    this.list = h('div', { class: 'list', 'aria-live': 'polite' });
    this.pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    const write = atLeast('member');
    replace(this, h('section', { class: 'page' },
      pageHeader('Workflows', write ? h('button', { type: 'button', on: { click: () => this.importDialog() } }, 'Import') : null,
        write ? h('button', { type: 'button', class: 'primary', on: { click: () => this.createDialog() } }, 'Create workflow') : null),
      this.alert, this.status, this.list, this.pager));
    this.load(null);
  }

  async load(cursor) {
    let page;
    try { page = await api('GET', ws('/workflows') + query({ cursor, limit: PAGE })); }
    catch (error) { return replace(this.list, h('p', { class: 'error', role: 'alert' }, error.message)); }
    this.cursor = cursor;
    if (page.items.length === 0 && !cursor) {
      replace(this.pager);
      return replace(this.list, h('div', { class: 'empty' }, h('h2', {}, 'No workflows yet'),
        h('p', {}, 'A workflow starts with a trigger (manual, webhook or schedule) and calls tools through your connections, by ID.'),
        atLeast('member') ? h('button', { type: 'button', class: 'primary', on: { click: () => this.createDialog() } }, 'Create workflow') : null));
    }
    const write = atLeast('member');
    replace(this.list, h('div', { class: 'table-wrap' }, h('table', { class: 'workflows' },
      h('caption', { class: 'visually-hidden' }, 'Workflows'),
      h('thead', {}, h('tr', {}, ['Name', 'Enabled', 'Trigger', 'Last run', 'Updated', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((w) => this.row(w, write))))));
    pagerButtons(this.pager, this.cursors, page.nextCursor, (cursor) => this.load(cursor));
  }

  row(w, write) {
    const broken = w.broken.length > 0;
    const toggle = h('input', { type: 'checkbox', role: 'switch', checked: w.enabled, disabled: !write, 'aria-label': `Enabled: ${w.name}`,
      on: { change: (e) => this.setEnabled(w, e.target) } });
    return h('tr', { dataset: { workflow: w.id } },
      h('th', { scope: 'row', 'data-label': 'Name' }, h('a', { href: `/workflows/${w.id}` }, w.name),
        broken ? h('span', { class: 'badge badge-error broken', title: w.broken.map((b) => `${b.node}: connection ${b.connection} deleted`).join('\n') },
          'Broken') : null,
        broken ? h('span', { class: 'visually-hidden' }, ` (${w.broken.map((b) => `node ${b.node} uses deleted connection ${b.connection}`).join('; ')})`) : null),
      h('td', { 'data-label': 'Enabled' }, h('label', { class: 'switch' }, toggle, h('span', {}, w.enabled ? 'On' : 'Off'))),
      h('td', { 'data-label': 'Trigger' }, TRIGGERS[w.triggerKind] ?? w.triggerKind ?? '—'),
      h('td', { 'data-label': 'Last run' }, w.lastRun
        ? h('a', { href: `/executions/${w.lastRun.id}`, class: 'with-icon' }, runStatus(w.lastRun.status), time(w.lastRun.createdAt)) : 'Never'),
      h('td', { 'data-label': 'Updated' }, w.updatedBy?.name ?? w.updatedBy?.email ?? '—', ' · ', time(w.updatedAt)),
      h('td', { 'data-label': 'Actions' }, h('div', { class: 'actions' },
        write ? h('button', { type: 'button', class: 'link-button', 'aria-label': `Duplicate ${w.name}`, on: { click: () => this.duplicate(w) } }, 'Duplicate') : null,
        h('button', { type: 'button', class: 'link-button', 'aria-label': `Export ${w.name}`, on: { click: () => this.exportDefinition(w) } }, 'Export'),
        write ? h('button', { type: 'button', class: 'link-button danger-link', 'aria-label': `Delete ${w.name}`, on: { click: () => this.remove(w) } }, 'Delete') : null)));
  }

  async setEnabled(w, input) {
    input.disabled = true;
    try {
      const saved = await api('PATCH', ws(`/workflows/${w.id}`), { enabled: input.checked });
      w.enabled = saved.enabled;
      input.nextElementSibling.textContent = saved.enabled ? 'On' : 'Off';
      this.status.textContent = `${w.name} is ${saved.enabled ? 'enabled' : 'disabled'}.`;
    } catch (error) { input.checked = w.enabled; this.alert.show(`${w.name} was not changed.`, error.message); }
    finally { input.disabled = false; }
  }

  createDialog() {
    const name = field('Name', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
    const dialog = document.createElement('sp-dialog-box');
    dialog.open('Create workflow', [h('p', {}, 'It starts with a manual trigger; the designer opens next.'), name], 'Create', async () => {
      const definition = { name: name.input.value.trim(), nodes: [{ id: 'start', type: 'trigger', config: { kind: 'manual' } }], edges: [] };
      if (!definition.name) { name.error.textContent = 'Name is required.'; name.input.focus(); return false; }
      try {
        const created = await api('POST', ws('/workflows'), definition);
        navigate(`/workflows/${created.id}`);
        return true;
      } catch (error) { name.error.textContent = error.fields.name ? `Name ${error.fields.name}` : error.message; return false; }
    });
  }

  async duplicate(w) {
    try {
      const definition = await api('GET', ws(`/workflows/${w.id}/export`));
      definition.name = `Copy of ${w.name}`.slice(0, 200);
      const created = await api('POST', ws('/workflows'), definition);
      this.status.textContent = `Duplicated as "${created.name}".`;
      this.load(this.cursor);
    } catch (error) { this.alert.show(`${w.name} was not duplicated.`, problemText(error)); }
  }

  async exportDefinition(w) {
    try {
      const definition = await api('GET', ws(`/workflows/${w.id}/export`));
      const url = URL.createObjectURL(new Blob([JSON.stringify(definition, null, 2) + '\n'], { type: 'application/json' }));
      const link = h('a', { href: url, download: fileName(w.name) });
      document.body.append(link); link.click(); link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      this.status.textContent = `Exported ${w.name} (connection IDs only, no secrets).`;
    } catch (error) { this.alert.show(`${w.name} was not exported.`, error.message); }
  }

  importDialog() {
    const file = field('Definition file (JSON)', { name: 'file', type: 'file', accept: 'application/json,.json' });
    const text = field('Or paste the definition', { name: 'definition', rows: 8, spellcheck: 'false' }, { tag: 'textarea' });
    file.input.addEventListener('change', async () => { if (file.input.files[0]) text.input.value = await file.input.files[0].text(); });
    const problems = h('div', { class: 'error problems', role: 'alert' });
    const dialog = document.createElement('sp-dialog-box');
    dialog.open('Import a workflow', [h('p', {}, 'An exported definition. Its connections must exist in this workspace; it is saved as a new workflow.'),
      file, text, problems], 'Import', async () => {
      replace(problems);
      let definition;
      try { definition = JSON.parse(text.input.value); } catch { replace(problems, 'This is not valid JSON.'); return false; }
      try {
        const created = await api('POST', ws('/workflows'), definition);
        this.status.textContent = `Imported "${created.name}".`;
        this.cursors.length = 0; this.load(null);
        return true;
      } catch (error) { replace(problems, problemText(error)); return false; }
    });
  }

  remove(w) {
    const dialog = document.createElement('sp-dialog-box');
    const error = h('p', { class: 'error', role: 'alert' });
    dialog.open(`Delete ${w.name}?`, [h('p', {}, 'The workflow and its versions are deleted; its runs stay readable under Executions. This cannot be undone.'), error],
      'Delete workflow', async () => {
        try {
          await api('DELETE', ws(`/workflows/${w.id}`));
          this.status.textContent = `Deleted ${w.name}.`;
          this.load(this.cursor);
          return true;
        } catch (e) { error.textContent = e.message; return false; }
      }, { danger: true });
  }
}

/** An API error with every field problem, one per line. */
function problemText(error) {
  const fields = Object.entries(error.fields ?? {});
  return fields.length ? [error.message, ...fields.map(([path, message]) => `${path}: ${message}`)].join('\n') : error.message;
}

function fileName(name) { return (name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'workflow') + '.json'; }

customElements.define('sp-workflows-page', WorkflowsPage);
