// Executions: every run of the workspace, newest first, with workflow, version, status, trigger, start and duration;
// filters (workflow, status, trigger) kept in the address; cursor paging.
import { api, query } from '../api.js';
import { h, replace, time } from '../dom.js';
import { navigate } from '../router.js';
import { ws } from '../state.js';
import { pageHeader, pagerButtons } from '../components/forms.js';
import { duration, runStatus } from '../components/run-status.js';

const PAGE = 50;
const STATUSES = [['running', 'Running'], ['waiting', 'Waiting'], ['completed', 'Completed'], ['failed', 'Failed'], ['timed_out', 'Timed out'], ['cancelled', 'Cancelled']];
const TRIGGERS = [['manual', 'Manual'], ['webhook', 'Webhook'], ['schedule', 'Schedule'], ['subworkflow', 'Subworkflow']];

class ExecutionsPage extends HTMLElement {
  async connectedCallback() {
    const params = new URLSearchParams(location.search);
    this.filters = { workflow: params.get('workflow') ?? '', status: params.get('status') ?? '', trigger: params.get('trigger') ?? '' };
    this.cursors = [];
    const first = this.fetchPage(null);
    first.catch(() => {}); // handled in load()
    let workflows = [];
    try { workflows = (await api('GET', ws('/workflows') + query({ limit: 200 }))).items; } catch { /* the filter lists what it can */ }
    const select = (name, label, options) => h('label', { class: 'filter' }, h('span', {}, label),
      h('select', { name, on: { change: (e) => this.change(name, e.target.value) } },
        h('option', { value: '' }, 'All'), options.map(([v, text]) => h('option', { value: v, selected: this.filters[name] === v }, text))));
    this.list = h('div', { class: 'list', 'aria-live': 'polite' });
    this.pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    replace(this, h('section', { class: 'page' },
      pageHeader('Executions', h('button', { type: 'button', on: { click: () => this.load(this.cursors.at(-1) ?? null) } }, 'Refresh')),
      h('div', { class: 'toolbar' },
        select('workflow', 'Workflow', workflows.map((w) => [w.id, w.name])),
        select('status', 'Status', STATUSES), select('trigger', 'Trigger', TRIGGERS)),
      this.list, this.pager));
    this.load(null, first);
  }

  change(name, value) {
    this.filters[name] = value;
    navigate('/executions' + query(this.filters), { replace: true });
  }

  fetchPage(cursor) { return api('GET', ws('/runs') + query({ ...this.filters, cursor, limit: PAGE })); }

  async load(cursor, pending) {
    let page;
    try { page = await (pending ?? this.fetchPage(cursor)); }
    catch (error) { return replace(this.list, h('p', { class: 'error', role: 'alert' }, error.message)); }
    if (page.items.length === 0) {
      replace(this.pager);
      return replace(this.list, Object.values(this.filters).some(Boolean) ? h('p', { class: 'empty' }, 'No run matches these filters.')
        : h('div', { class: 'empty' }, h('h2', {}, 'No runs yet'),
          h('p', {}, 'Runs appear here when a workflow is run by hand, by its webhook or by its schedule.')));
    }
    replace(this.list, h('div', { class: 'table-wrap' }, h('table', { class: 'runs' },
      h('caption', { class: 'visually-hidden' }, 'Runs, newest first'),
      h('thead', {}, h('tr', {}, ['Run', 'Workflow', 'Version', 'Status', 'Trigger', 'Started', 'Duration'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((r) => h('tr', { dataset: { run: r.id } },
        h('th', { scope: 'row', 'data-label': 'Run' }, h('a', { href: `/executions/${r.id}` }, h('code', {}, r.id))),
        h('td', { 'data-label': 'Workflow' }, r.workflowName ?? h('span', { class: 'muted' }, 'deleted workflow')),
        h('td', { 'data-label': 'Version' }, String(r.version)),
        h('td', { 'data-label': 'Status' }, runStatus(r.status)),
        h('td', { 'data-label': 'Trigger' }, r.trigger),
        h('td', { 'data-label': 'Started' }, time(r.createdAt)),
        h('td', { 'data-label': 'Duration' }, r.finishedAt ? duration(r.createdAt, r.finishedAt) : '—')))))));
    pagerButtons(this.pager, this.cursors, page.nextCursor, (cursor) => this.load(cursor), ['Newer', 'Older']);
  }
}

customElements.define('sp-executions-page', ExecutionsPage);
