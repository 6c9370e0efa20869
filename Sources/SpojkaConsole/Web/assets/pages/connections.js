// The Connections list: status with reason, filters (connector, status, environment), search and cursor paging.
import { api, query } from '../api.js';
import { h, replace, time } from '../dom.js';
import { navigate } from '../router.js';
import { accountText, atLeast, connectors, ws } from '../state.js';
import { connectorIcon } from '../components/connector-icon.js';
import { pageHeader } from '../components/forms.js';
import { statusBadge } from '../components/status-badge.js';

const PAGE = 50;

class ConnectionsPage extends HTMLElement {
  async connectedCallback() {
    const params = new URLSearchParams(location.search);
    this.filters = { connector: params.get('connector') ?? '', status: params.get('status') ?? '',
      environment: params.get('environment') ?? '', q: params.get('q') ?? '' };
    this.cursors = [];
    // The catalog (for the filter) and the first page load together.
    const first = this.fetchPage(null);
    first.catch(() => {}); // handled in load()
    const catalog = (await connectors()).filter((c) => c.authType !== 'none');
    this.names = Object.fromEntries(catalog.map((c) => [c.key, c.name]));
    const select = (name, label, options) => h('label', { class: 'filter' }, h('span', {}, label),
      h('select', { name, on: { change: (e) => this.change(name, e.target.value) } },
        h('option', { value: '' }, 'All'), options.map(([v, text]) => h('option', { value: v, selected: this.filters[name] === v }, text))));
    let timer;
    const search = h('input', { type: 'search', name: 'q', value: this.filters.q, placeholder: 'Search by name', 'aria-label': 'Search connections by name',
      on: { input: (e) => { clearTimeout(timer); timer = setTimeout(() => this.change('q', e.target.value), 250); } } });
    this.list = h('div', { class: 'list', 'aria-live': 'polite' });
    this.pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    replace(this, h('section', { class: 'page' },
      pageHeader('Connections', atLeast('member') ? h('a', { class: 'button primary', href: '/connections/new' }, 'Add connection') : null),
      h('div', { class: 'toolbar' }, search,
        select('connector', 'Connector', catalog.map((c) => [c.key, c.name])),
        select('status', 'Status', [['active', 'Active'], ['reauthorize', 'Reauthorize'], ['error', 'Error']]),
        select('environment', 'Environment', [['production', 'Production'], ['staging', 'Staging'], ['development', 'Development']])),
      this.list, this.pager));
    this.load(null, first);
  }

  change(name, value) {
    this.filters[name] = value;
    this.cursors = [];
    navigate('/connections' + query(this.filters), { replace: true });
  }

  fetchPage(cursor) { return api('GET', ws('/connections') + query({ ...this.filters, cursor, limit: PAGE })); }

  async load(cursor, pending) {
    let page;
    try {
      page = await (pending ?? this.fetchPage(cursor));
    } catch (error) { return replace(this.list, h('p', { class: 'error', role: 'alert' }, error.message)); }
    const filtered = Object.values(this.filters).some(Boolean);
    if (page.items.length === 0) {
      replace(this.pager);
      return replace(this.list, filtered ? h('p', { class: 'empty' }, 'No connection matches these filters.')
        : h('div', { class: 'empty' }, h('h2', {}, 'No connections yet'),
          h('p', {}, 'A connector is an integration Spojka ships (Slack, Stripe…); a connection is your workspace\'s own credentialed instance of one, which workflows use by ID.'),
          atLeast('member') ? h('a', { class: 'button primary', href: '/connections/new' }, 'Add connection') : null));
    }
    replace(this.list, h('div', { class: 'table-wrap' }, h('table', { class: 'connections' },
      h('caption', { class: 'visually-hidden' }, 'Connections'),
      h('thead', {}, h('tr', {}, ['Name', 'Connector', 'Status', 'Environment', 'Account', 'Owner', 'Last used', 'Last checked']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((c) => h('tr', {},
        h('th', { scope: 'row', 'data-label': 'Name' }, h('a', { href: `/connections/${c.id}` }, c.name)),
        h('td', { 'data-label': 'Connector' }, h('span', { class: 'with-icon' }, connectorIcon(c.connector, { size: 20 }), this.names[c.connector] ?? c.connector)),
        h('td', { 'data-label': 'Status' }, statusBadge(c)),
        h('td', { 'data-label': 'Environment' }, c.environment),
        h('td', { 'data-label': 'Account' }, accountText(c.account)),
        h('td', { 'data-label': 'Owner' }, c.owner?.email ?? '—'),
        h('td', { 'data-label': 'Last used' }, time(c.lastUsedAt)),
        h('td', { 'data-label': 'Last checked' }, time(c.checkedAt))))))));
    // A User Timing mark for the first-load benchmark (tests/console/bench_console.py): the frame with the rows.
    requestAnimationFrame(() => performance.mark('spojka:connections-rendered'));
    replace(this.pager,
      this.cursors.length ? h('button', { type: 'button', on: { click: () => { this.cursors.pop(); this.load(this.cursors.at(-1) ?? null); } } }, 'Previous page') : null,
      page.nextCursor ? h('button', { type: 'button', on: { click: () => { this.cursors.push(page.nextCursor); this.load(page.nextCursor); } } }, 'Next page') : null);
  }
}

customElements.define('sp-connections-page', ConnectionsPage);
