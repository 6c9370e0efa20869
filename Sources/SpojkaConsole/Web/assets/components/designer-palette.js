// The designer's palette: node types and a searchable list of connectors with their tools. Drag an item onto the
// canvas, or press it (mouse or keyboard) to add it in view, wired after the selected node.
import { h, replace } from '../dom.js';
import { connectorIcon } from './connector-icon.js';
import { connectorDetail } from '../state.js';
import { NODE_TYPES } from './designer-model.js';

class DesignerPalette extends HTMLElement {
  /** `catalog`: connector summaries; `onAdd(payload)` adds a node ({type} or {type: 'connector', connector, tool}). */
  setup(catalog, onAdd) {
    this.catalog = catalog;
    this.onAdd = onAdd;
    this.search = h('input', { type: 'search', id: 'palette-search', placeholder: 'Slack, send message…', autocomplete: 'off',
      on: { input: () => this.filter() } });
    this.list = h('div', { class: 'dz-connectors' });
    replace(this, h('h2', { id: 'palette-nodes' }, 'Nodes'),
      h('ul', { class: 'dz-palette-list', 'aria-labelledby': 'palette-nodes' },
        NODE_TYPES.filter(([t]) => t !== 'trigger').map(([type, label, hint]) => h('li', {}, this.item({ type }, label, hint)))),
      h('h2', { id: 'palette-connectors' }, 'Connectors'),
      h('label', { for: 'palette-search', class: 'visually-hidden' }, 'Search connectors and tools'), this.search, this.list);
    this.filter();
    return this;
  }

  item(payload, label, hint) {
    return h('button', { type: 'button', class: 'dz-palette-item', draggable: 'true', title: hint ?? false, on: {
      dragstart: (e) => { e.dataTransfer.setData('application/x-spojka-node', JSON.stringify(payload)); e.dataTransfer.effectAllowed = 'copy'; },
      click: () => this.onAdd(payload),
    } }, h('span', { class: 'dz-palette-label' }, label), hint ? h('span', { class: 'visually-hidden' }, `: ${hint}`) : null);
  }

  async filter() {
    const q = this.search.value.trim().toLowerCase();
    const token = (this.token = Symbol('filter'));
    const matches = (...texts) => !q || texts.some((t) => String(t ?? '').toLowerCase().includes(q));
    // Searching looks into every connector's tools (fetched once, on the first search).
    const tools = q.length >= 2 ? await Promise.all(this.catalog.map((c) => connectorDetail(c.key).then((d) => d.tools, () => []))) : [];
    if (token !== this.token) return;
    const groups = this.catalog.map((c, i) => {
      const own = matches(c.name, c.key, c.description);
      const found = (tools[i] ?? []).filter((t) => matches(t.name, t.title, t.description));
      if (!own && found.length === 0) return null;
      return this.group(c, q && !own ? found : null, q.length >= 2);
    }).filter(Boolean);
    replace(this.list, groups.length ? h('ul', { class: 'dz-palette-list', 'aria-label': 'Connectors' }, groups)
      : h('p', { class: 'muted' }, 'No connector or tool matches.'));
  }

  group(connector, only, open) {
    const tools = h('ul', { class: 'dz-tools' });
    const details = h('details', { open: open || false, on: { toggle: () => { if (details.open) this.fillTools(connector, tools, only); } } },
      h('summary', {}, h('span', { class: 'with-icon' }, connectorIcon(connector.key, { size: 18 }), connector.name),
        h('span', { class: 'muted' }, ` ${connector.toolCount}`)), tools);
    if (open) this.fillTools(connector, tools, only);
    return h('li', {}, details);
  }

  async fillTools(connector, list, only) {
    if (list.childElementCount) return;
    let detail;
    try { detail = await connectorDetail(connector.key); } catch (e) { return replace(list, h('li', { class: 'error' }, e.message)); }
    const shown = only ?? detail.tools;
    replace(list, shown.map((t) => h('li', {}, this.item({ type: 'connector', connector: connector.key, tool: t.name },
      `${connector.name}: ${t.title ?? t.name}`, t.description))));
  }
}

customElements.define('sp-designer-palette', DesignerPalette);
