// A connector's page: what it is, its auth, the fields a connection needs, its tools with schemas, and the
// workspace's connections to it.
import { api, query } from '../api.js';
import { h, replace } from '../dom.js';
import { atLeast, ws } from '../state.js';
import { connectorIcon } from '../components/connector-icon.js';
import { pageHeader } from '../components/forms.js';
import { schemaTable } from '../components/schema-table.js';
import { statusBadge } from '../components/status-badge.js';
import { authLabel } from './connectors.js';

class ConnectorPage extends HTMLElement {
  async connectedCallback() {
    let c;
    try { c = await api('GET', `/connectors/${encodeURIComponent(this.params.key)}`); } catch (error) {
      return replace(this, h('section', { class: 'page' }, h('h1', {}, 'Connector not found'), h('p', {}, error.message),
        h('a', { href: '/connectors' }, 'Back to the catalog')));
    }
    const add = c.needsConnection && atLeast('member')
      ? h('a', { class: 'button primary', href: `/connections/new?connector=${encodeURIComponent(c.key)}` }, 'Add connection') : null;
    const connections = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    replace(this, h('section', { class: 'page' },
      h('p', { class: 'breadcrumb' }, h('a', { href: '/connectors' }, 'Connectors'), ' / ', c.name),
      h('div', { class: 'title-row' }, connectorIcon(c.key, { size: 40 }), pageHeader(c.name, add)),
      h('p', {}, c.description),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Category'), h('dd', {}, c.category),
        h('dt', {}, 'Authentication'), h('dd', {}, authLabel(c.auth.type), c.auth.oauth2 ? ' or OAuth 2.0 sign-in' : ''),
        h('dt', {}, 'Version'), h('dd', {}, c.version, c.source === 'folder' ? ' (from the operator\'s connector folder)' : ''),
        (c.changelog ?? []).length ? [h('dt', {}, 'Changes'), h('dd', {}, h('ul', { class: 'plain' },
          c.changelog.slice(0, 3).map((e) => h('li', {}, `${e.version}${e.date ? ` (${e.date})` : ''}: ${e.changes.join('; ')}`))))] : null,
        c.serviceUrl ? [h('dt', {}, 'Service URL'), h('dd', {}, h('code', {}, c.serviceUrl))] : null,
        c.docsUrl ? [h('dt', {}, 'Documentation'), h('dd', {}, h('a', { href: c.docsUrl, rel: 'noreferrer noopener', target: '_blank' }, c.docsUrl))] : null),
      c.needsConnection ? null : h('p', { class: 'note' }, 'This connector needs no connection: workflows use its tools directly.'),
      c.needsConnection ? h('section', {}, h('h2', {}, 'What a connection needs'),
        schemaTable(c.auth.fields ?? {}, 'Credentials (stored encrypted, never shown again)'),
        c.settings ? schemaTable(c.settings, 'Settings') : null) : null,
      c.needsConnection ? h('section', {}, h('h2', {}, 'Connections in this workspace'), connections) : null,
      h('section', {}, h('h2', {}, `Tools (${c.tools.length})`), c.tools.map((t) => tool(t)))));
    if (c.needsConnection) this.loadConnections(c, connections);
  }

  async loadConnections(c, slot) {
    try {
      const page = await api('GET', ws('/connections') + query({ connector: c.key, limit: 50 }));
      replace(slot, page.items.length === 0 ? h('p', { class: 'muted' }, `No ${c.name} connection yet.`)
        : h('ul', { class: 'plain' }, page.items.map((x) => h('li', {}, h('a', { href: `/connections/${x.id}` }, x.name), ' ', statusBadge(x, false)))));
    } catch (error) { replace(slot, h('p', { class: 'error' }, error.message)); }
  }
}

function tool(t) {
  const hints = [];
  const a = t.annotations ?? {};
  if (a.readOnlyHint) hints.push(h('span', { class: 'tag' }, 'read-only'));
  if (a.destructiveHint) hints.push(h('span', { class: 'tag tag-danger' }, 'destructive'));
  if (a.idempotentHint) hints.push(h('span', { class: 'tag' }, 'idempotent'));
  return h('details', { class: 'tool', id: `tool-${t.name}` },
    h('summary', {}, h('strong', {}, t.title ?? t.name), ' ', h('code', {}, t.name), ' ', hints),
    h('p', {}, t.description),
    schemaTable(t.inputSchema, 'Input'), schemaTable(t.outputSchema, 'Output'));
}

customElements.define('sp-connector-page', ConnectorPage);
