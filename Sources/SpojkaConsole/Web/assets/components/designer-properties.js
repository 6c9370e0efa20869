// The designer's properties panel: the selected node's settings per type (every documented key), its connections to
// the next nodes (the keyboard way to wire), the last run's step for it, and the save errors on their fields.
import { h, replace } from '../dom.js';
import { connectorSection } from './designer-connector.js';
import { boundField, group, registerSlot, showSlotErrors } from './designer-fields.js';
import { TYPE_LABEL, handlesOf, hasInput } from './designer-model.js';
import { triggerSection } from './designer-trigger.js';
import { typeSection } from './designer-types.js';

class DesignerProperties extends HTMLElement {
  /** `env`: model, canvas, errors (Map id → {path: message}), step(id), connections(), … (see the designer page). */
  setup(env) { this.env = env; return this; }

  draw() {
    const { canvas, model } = this.env;
    const ids = [...canvas.selected];
    this.slots = [];
    if (ids.length === 1 && model.node(ids[0])) return this.drawNode(model.node(ids[0]));
    if (ids.length > 1) {
      return replace(this, h('h2', {}, `${ids.length} nodes selected`), h('p', { class: 'muted' }, 'Drag one to move them together.'),
        h('button', { type: 'button', class: 'danger', on: { click: () => model.remove(ids) } }, 'Delete selected nodes'));
    }
    const edge = model.def.edges[canvas.selectedEdge ?? -1];
    if (edge) {
      return replace(this, h('h2', {}, 'Edge'), h('p', {}, h('code', {}, edge.from), edge.handle ? ` (${edge.handle})` : '', ' → ', h('code', {}, edge.to)),
        h('button', { type: 'button', class: 'danger', on: { click: () => model.remove([], [canvas.selectedEdge]) } }, 'Delete edge'));
    }
    const general = this.env.errors.get('') ?? {};
    replace(this, h('h2', {}, 'Workflow'),
      Object.keys(general).length ? h('div', { class: 'alert', role: 'alert' }, h('strong', {}, 'The workflow was not saved:'),
        h('ul', {}, Object.entries(general).map(([p, m]) => h('li', {}, h('code', {}, p), ' ', m)))) : null,
      h('p', { class: 'muted' }, 'Select a node to edit it. Add nodes from the palette: drag them onto the canvas, or press one to add it after the selected node.'),
      this.workflowFields());
  }

  workflowFields() {
    const { model } = this.env;
    const description = h('textarea', { id: 'workflow-description', rows: 3, value: model.def.description ?? '', on: { change: () =>
      model.edit((d) => { if (description.value) d.description = description.value; else delete d.description; }) } });
    const timeout = h('input', { id: 'workflow-timeout', type: 'text', inputmode: 'decimal', value: model.def.timeoutSeconds ?? '', on: { change: () =>
      model.edit((d) => { const n = Number(timeout.value); if (timeout.value && Number.isFinite(n)) d.timeoutSeconds = n; else delete d.timeoutSeconds; }) } });
    return [h('div', { class: 'field' }, h('label', { for: 'workflow-description' }, 'Description'), description),
      h('div', { class: 'field' }, h('label', { for: 'workflow-timeout' }, 'Run time limit (seconds)'), timeout,
        h('p', { class: 'hint' }, 'Optional: past it, a run ends timed_out.'))];
  }

  drawNode(node) {
    const env = this.env;
    const ctx = { model: env.model, id: node.id, slots: this.slots, redraw: () => this.draw(), ready: () => this.showErrors() };
    const idInput = h('input', { id: 'node-id', value: node.id, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'node-id-error',
      on: { change: () => { if (!env.model.renameNode(node.id, idInput.value.trim())) idInput.value = node.id; else env.select([idInput.value.trim()]); } } });
    const idError = h('p', { class: 'error', id: 'node-id-error', role: 'alert' });
    registerSlot(ctx, 'id', idInput, idError, 'ID');
    const typeError = h('p', { class: 'error', role: 'alert' });
    registerSlot(ctx, 'type', null, typeError, 'Type');
    const section = node.type === 'trigger' ? triggerSection(ctx, env) : node.type === 'connector' ? connectorSection(ctx, env) : typeSection(ctx, node.type, env);
    replace(this, h('h2', {}, `${TYPE_LABEL[node.type] ?? node.type} node`), typeError,
      this.generalErrors(node.id), env.stepView(node.id),
      h('div', { class: 'field' }, h('label', { for: 'node-id' }, 'ID'), idInput, idError),
      boundField(ctx, 'Label', ['label'], { hint: 'Shown on the canvas instead of the ID.' }),
      section,
      node.type === 'trigger' ? null : this.common(ctx, node),
      this.outgoing(node),
      h('button', { type: 'button', class: 'danger', on: { click: () => env.model.remove([node.id]) } }, 'Delete node'));
    this.showErrors();
  }

  common(ctx, node) {
    return h('details', { class: 'dz-more', open: Boolean(node.retry || node.timeoutSeconds || node.onError) || false },
      h('summary', {}, 'Output, retries, time limit, errors'),
      boundField(ctx, 'Output variable', ['outputVariable'], { hint: 'Later nodes read this node\'s output as {{ name }}.' }),
      boundField(ctx, 'Attempts', ['retry', 'maxAttempts'], { kind: 'number', hint: '1 to 10 (connector nodes retry unavailable and timeouts).' }),
      boundField(ctx, 'Backoff (seconds)', ['retry', 'backoff'], { kind: 'number', hint: 'Doubled per attempt.' }),
      boundField(ctx, 'Time limit (seconds)', ['timeoutSeconds'], { kind: 'number' }),
      boundField(ctx, 'On error', ['onError'], { kind: 'select', options: [['fail', 'Fail the run'], ['continue', 'Continue (output {error})']] }));
  }

  /** Each output handle with its edges (Remove) and a picker of nodes to connect to. */
  outgoing(node) {
    const { model } = this.env;
    const handles = handlesOf(node);
    if (handles.length === 0) return h('p', { class: 'muted' }, 'A response ends the run: nothing follows it.');
    const targets = model.def.nodes.filter((n) => n.id !== node.id && hasInput(n));
    return group('Next nodes', handles.map((handle) => {
      const edges = model.def.edges.map((e, i) => [e, i]).filter(([e]) => e.from === node.id && (e.handle ?? '') === handle);
      const label = handle ? `After ${handle}` : 'Then';
      const select = h('select', { 'aria-label': `${label}: connect to`, on: { change: () => { if (select.value) model.connect(node.id, handle, select.value); } } },
        h('option', { value: '' }, 'Connect to…'), targets.map((n) => h('option', { value: n.id }, n.label ? `${n.label} (${n.id})` : n.id)));
      return h('div', { class: 'dz-outgoing' }, h('p', { class: 'dz-subheading' }, label),
        edges.length ? h('ul', { class: 'plain' }, edges.map(([e, i]) => h('li', {}, '→ ', h('code', {}, e.to), ' ',
          h('button', { type: 'button', class: 'link-button', 'aria-label': `Remove ${node.id}${handle ? ` ${handle}` : ''} → ${e.to}`,
            on: { click: () => model.remove([], [i]) } }, 'Remove')))) : null,
        select);
    }));
  }

  /** Errors of the node that name no field: shown at the top. */
  generalErrors(id) {
    this.rest = h('div', { class: 'alert', role: 'alert', hidden: true });
    return this.rest;
  }

  /** Puts the node's save errors on its fields; any left over go in the box at the top. */
  showErrors() {
    const ids = [...this.env.canvas.selected];
    const messages = ids.length === 1 ? this.env.errors.get(ids[0]) ?? {} : {};
    const rest = showSlotErrors(this.slots, messages);
    const entries = Object.entries(rest);
    this.rest.hidden = entries.length === 0;
    replace(this.rest, entries.length ? [h('strong', {}, 'This node has problems:'),
      h('ul', {}, entries.map(([p, m]) => h('li', {}, p ? [h('code', {}, p), ' '] : null, m)))] : []);
  }
}

customElements.define('sp-designer-properties', DesignerProperties);
