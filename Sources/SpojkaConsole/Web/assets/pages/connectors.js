// The connector catalog: grouped by category, searchable; utilities say they need no connection.
import { h, replace } from '../dom.js';
import { connectors } from '../state.js';
import { connectorIcon } from '../components/connector-icon.js';
import { pageHeader } from '../components/forms.js';

/** Connectors grouped by category (sorted), filtered by a search text. */
export function grouped(list, text) {
  const q = text.trim().toLowerCase();
  const groups = new Map();
  for (const c of list) {
    if (q && !`${c.name} ${c.key} ${c.description} ${c.category}`.toLowerCase().includes(q)) continue;
    if (!groups.has(c.category)) groups.set(c.category, []);
    groups.get(c.category).push(c);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === 'Utilities') - (b === 'Utilities') || a.localeCompare(b));
}

class ConnectorsPage extends HTMLElement {
  async connectedCallback() {
    const list = await connectors();
    const results = h('div', { class: 'catalog' });
    const count = h('p', { class: 'muted', role: 'status' });
    const search = h('input', { type: 'search', id: 'connector-search', placeholder: 'Search connectors', 'aria-label': 'Search connectors',
      on: { input: () => draw() } });
    const draw = () => {
      const groups = grouped(list, search.value);
      const total = groups.reduce((n, [, items]) => n + items.length, 0);
      count.textContent = `${total} connector${total === 1 ? '' : 's'}`;
      replace(results, groups.map(([category, items]) => h('section', { class: 'category' },
        h('h2', {}, category),
        h('ul', { class: 'cards' }, items.map((c) => h('li', {}, h('a', { class: 'card', href: `/connectors/${c.key}` },
          connectorIcon(c.key, { size: 32 }),
          h('span', { class: 'card-text' }, h('strong', {}, c.name), h('span', { class: 'muted' }, c.description),
            h('span', { class: 'meta' }, c.authType === 'none' ? 'No connection needed' : authLabel(c.authType), ' · ',
              `${c.toolCount} tool${c.toolCount === 1 ? '' : 's'}`, ` · v${c.version}`,
              c.source === 'folder' ? ' · from your connector folder' : '')))))))));
    };
    replace(this, h('section', { class: 'page' }, pageHeader('Connectors'),
      h('p', { class: 'muted' }, 'A connector is an integration Spojka ships; a connection is your workspace\'s configured, credentialed instance of one.'),
      h('div', { class: 'toolbar' }, search, count), results));
    draw();
  }
}

/** The auth method in words. */
export function authLabel(type) {
  return { api_key: 'API key', basic: 'User and password', oauth2: 'OAuth 2.0', webhook: 'Signing secret', none: 'No authentication' }[type] ?? type;
}

customElements.define('sp-connectors-page', ConnectorsPage);
