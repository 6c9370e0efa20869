// The designer's canvas: nodes as HTML boxes and edges as SVG curves in a pannable, zoomable world. Drag a node to
// move it (every selected node moves), drag from an output handle onto a node to connect or into empty space to pick
// the next node, click to select, shift-click to add to the selection, wheel or the buttons to zoom, Fit to see all.
import { h, replace } from '../dom.js';
import { NODE_WIDTH, TYPE_LABEL, handleY, handlesOf, hasInput, nodeHeight } from './designer-model.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  return el;
};
const STATE_TEXT = { running: 'running', completed: 'completed', failed: 'failed', waiting: 'waiting' };

class DesignerCanvas extends HTMLElement {
  /** `hooks`: describe(node) → {title, subtitle, broken}, onSelect(), onPickNext(from, worldPoint), onDrop(payload, worldPoint). */
  setup(model, hooks) {
    this.model = model;
    this.hooks = hooks;
    this.selected = new Set();
    this.selectedEdge = null;
    this.states = new Map();
    this.errors = new Map();
    this.view = { x: 0, y: 0, z: 1 };
    this.edges = svg('svg', { class: 'dz-edges', 'aria-hidden': 'true', width: 1, height: 1 });
    this.world = h('div', { class: 'dz-world' });
    this.viewport = h('div', { class: 'dz-viewport', role: 'region', 'aria-label': 'Workflow canvas', tabindex: '0', on: {
      pointerdown: (e) => this.onPointerDown(e), wheel: (e) => this.onWheel(e),
      dragover: (e) => { if (e.dataTransfer.types.includes('application/x-spojka-node')) e.preventDefault(); },
      drop: (e) => this.onDrop(e), click: (e) => this.onKeyboardClick(e),
    } }, this.world);
    const zoom = (factor) => () => this.zoomAt(factor, this.viewport.clientWidth / 2, this.viewport.clientHeight / 2);
    replace(this, this.viewport, h('div', { class: 'dz-zoom', role: 'group', 'aria-label': 'Zoom' },
      h('button', { type: 'button', 'aria-label': 'Zoom in', on: { click: zoom(1.2) } }, '+'),
      h('button', { type: 'button', 'aria-label': 'Zoom out', on: { click: zoom(1 / 1.2) } }, '−'),
      h('button', { type: 'button', on: { click: () => this.fit() } }, 'Fit')));
    return this;
  }

  /** Redraws every node and edge from the model. */
  draw() {
    const ids = new Set(this.model.def.nodes.map((n) => n.id));
    for (const id of [...this.selected]) if (!ids.has(id)) this.selected.delete(id);
    if (this.selectedEdge !== null && !this.model.def.edges[this.selectedEdge]) this.selectedEdge = null;
    this.nodeEls = new Map();
    const nodes = this.model.def.nodes.map((node) => this.nodeElement(node));
    replace(this.world, this.edges, nodes);
    this.drawEdges();
    this.applyView();
  }

  nodeElement(node) {
    const info = this.hooks.describe(node);
    const state = this.states.get(node.id);
    const problems = this.errors.get(node.id) ?? [];
    const handles = handlesOf(node);
    const classes = ['dz-node', `dz-type-${node.type}`, this.selected.has(node.id) && 'dz-selected', state && `dz-state-${state}`,
      info.broken && 'dz-broken', problems.length && 'dz-invalid'].filter(Boolean).join(' ');
    const el = h('div', { class: classes, dataset: { id: node.id } },
      hasInput(node) ? h('span', { class: 'dz-in', 'aria-hidden': 'true' }) : null,
      h('button', { type: 'button', class: 'dz-node-main', 'aria-pressed': String(this.selected.has(node.id)), dataset: { id: node.id },
        'aria-label': [TYPE_LABEL[node.type], info.title, info.subtitle, info.broken, state && `run: ${STATE_TEXT[state]}`,
          problems.length && `${problems.length} problem${problems.length > 1 ? 's' : ''}`].filter(Boolean).join(', ') },
      h('span', { class: 'dz-type' }, TYPE_LABEL[node.type] ?? node.type, state ? h('span', { class: 'dz-state' }, STATE_TEXT[state]) : null),
      h('span', { class: 'dz-title' }, info.title),
      info.broken ? h('span', { class: 'dz-sub dz-broken-text' }, info.broken) : h('span', { class: 'dz-sub' }, info.subtitle ?? ''),
      problems.length ? h('span', { class: 'dz-problems', title: problems.join('\n') }, `⚠ ${problems[0]}`) : null),
      handles.map((handle, i) => h('button', { type: 'button', class: 'dz-out', dataset: { node: node.id, handle },
        'aria-label': `Connect from ${node.id}${handle ? ` (${handle})` : ''}`, title: 'Drag to a node to connect' },
      handle ? h('span', { class: 'dz-handle-label' }, handle) : null)));
    el.style.transform = `translate(${node.position.x}px, ${node.position.y}px)`;
    el.style.height = `${nodeHeight(node)}px`;
    el.style.width = `${NODE_WIDTH}px`;
    handles.forEach((_, i) => { el.querySelectorAll('.dz-out')[i].style.top = `${handleY(node, i, handles.length) - 12}px`; });
    this.nodeEls.set(node.id, el);
    return el;
  }

  /** The point of an output handle (or the input when `handle` is undefined) in world coordinates. */
  anchor(node, handle) {
    if (handle === undefined) return { x: node.position.x, y: node.position.y + nodeHeight(node) / 2 };
    const handles = handlesOf(node);
    const i = Math.max(0, handles.indexOf(handle ?? ''));
    return { x: node.position.x + NODE_WIDTH, y: node.position.y + handleY(node, i, Math.max(1, handles.length)) };
  }

  drawEdges() {
    const byId = new Map(this.model.def.nodes.map((n) => [n.id, n]));
    const paths = [];
    this.model.def.edges.forEach((edge, index) => {
      const from = byId.get(edge.from);
      const to = byId.get(edge.to);
      if (!from || !to) return;
      const d = curve(this.anchor(from, edge.handle ?? ''), this.anchor(to));
      const invalid = this.errors.has(`edge:${index}`);
      const cls = ['dz-edge', index === this.selectedEdge && 'dz-selected', invalid && 'dz-invalid'].filter(Boolean).join(' ');
      const hit = svg('path', { d, class: 'dz-edge-hit', 'data-edge': index });
      paths.push(svg('path', { d, class: cls }), hit);
    });
    if (this.pending) paths.push(svg('path', { d: curve(this.pending.from, this.pending.to), class: 'dz-edge dz-pending' }));
    this.edges.replaceChildren(...paths);
  }

  applyView() {
    this.world.style.transform = `translate(${this.view.x}px, ${this.view.y}px) scale(${this.view.z})`;
    this.dataset.zoom = this.view.z.toFixed(2);
  }

  /** Screen (client) coordinates to world coordinates. */
  toWorld(clientX, clientY) {
    const r = this.viewport.getBoundingClientRect();
    return { x: (clientX - r.left - this.view.x) / this.view.z, y: (clientY - r.top - this.view.y) / this.view.z };
  }

  zoomAt(factor, sx, sy) {
    const z = Math.min(2.5, Math.max(0.05, this.view.z * factor));
    this.view.x = sx - ((sx - this.view.x) * z) / this.view.z;
    this.view.y = sy - ((sy - this.view.y) * z) / this.view.z;
    this.view.z = z;
    this.applyView();
  }

  /** Zooms and pans so every node is visible. */
  fit() {
    const nodes = this.model.def.nodes;
    const width = this.viewport.clientWidth || 800;
    const height = this.viewport.clientHeight || 500;
    if (nodes.length === 0) { this.view = { x: 0, y: 0, z: 1 }; return this.applyView(); }
    const xs = nodes.flatMap((n) => [n.position.x, n.position.x + NODE_WIDTH]);
    const ys = nodes.flatMap((n) => [n.position.y, n.position.y + nodeHeight(n)]);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const z = Math.min(1.2, Math.max(0.05, Math.min((width - 60) / (maxX - minX), (height - 60) / (maxY - minY))));
    this.view = { z, x: (width - (maxX - minX) * z) / 2 - minX * z, y: (height - (maxY - minY) * z) / 2 - minY * z };
    this.applyView();
  }

  /** Pans (keeping the zoom) so node `id` is in view. */
  reveal(id) {
    const node = this.model.node(id);
    if (!node) return;
    const [w, hgt] = [this.viewport.clientWidth, this.viewport.clientHeight];
    const left = node.position.x * this.view.z + this.view.x;
    const top = node.position.y * this.view.z + this.view.y;
    const right = left + NODE_WIDTH * this.view.z;
    const bottom = top + nodeHeight(node) * this.view.z;
    if (left >= 0 && top >= 0 && right <= w && bottom <= hgt) return;
    if (right > w) this.view.x -= right - w + 40;
    if (left < 0) this.view.x -= left - 40;
    if (bottom > hgt) this.view.y -= bottom - hgt + 40;
    if (top < 0) this.view.y -= top - 40;
    this.applyView();
  }

  select(ids, { add = false } = {}) {
    if (!add) this.selected.clear();
    for (const id of ids) { if (add && this.selected.has(id)) this.selected.delete(id); else this.selected.add(id); }
    this.selectedEdge = null;
    this.markSelection();
    this.hooks.onSelect();
  }

  /** Shows the selection on the drawn nodes and edges without rebuilding them. */
  markSelection() {
    for (const [id, el] of this.nodeEls) {
      const on = this.selected.has(id);
      el.classList.toggle('dz-selected', on);
      el.querySelector('.dz-node-main').setAttribute('aria-pressed', String(on));
    }
    this.drawEdges();
  }

  focusNode(id) { this.world.querySelector(`.dz-node-main[data-id="${CSS.escape(id)}"]`)?.focus(); }

  /** Enter or Space on a node selects it (shift adds); on an output handle it offers the next node, wired up. */
  onKeyboardClick(event) {
    if (event.detail !== 0) return;
    const out = event.target.closest('.dz-out');
    const main = event.target.closest('.dz-node-main');
    if (main) { this.select([main.dataset.id], { add: event.shiftKey }); this.focusNode(main.dataset.id); }
    if (out) {
      const from = this.anchor(this.model.node(out.dataset.node), out.dataset.handle);
      this.hooks.onPickNext({ node: out.dataset.node, handle: out.dataset.handle }, { x: from.x + 70, y: from.y - 30 });
    }
  }

  onWheel(event) {
    event.preventDefault();
    const r = this.viewport.getBoundingClientRect();
    this.zoomAt(event.deltaY < 0 ? 1.1 : 1 / 1.1, event.clientX - r.left, event.clientY - r.top);
  }

  onPointerDown(event) {
    if (event.button !== 0) return;
    const out = event.target.closest('.dz-out');
    const main = event.target.closest('.dz-node-main');
    const edge = event.target.closest('.dz-edge-hit');
    if (out) return this.dragConnect(event, out.dataset.node, out.dataset.handle);
    if (main) return this.dragNodes(event, main.dataset.id);
    if (edge) { this.selected.clear(); this.selectedEdge = Number(edge.dataset.edge); this.markSelection(); this.hooks.onSelect(); return; }
    this.dragPan(event);
  }

  track(event, onMove, onUp) {
    const id = event.pointerId;
    this.viewport.setPointerCapture?.(id);
    const move = (e) => { if (e.pointerId === id) onMove(e); };
    const up = (e) => {
      if (e.pointerId !== id) return;
      this.viewport.removeEventListener('pointermove', move);
      this.viewport.removeEventListener('pointerup', up);
      this.viewport.removeEventListener('pointercancel', up);
      onUp(e);
    };
    this.viewport.addEventListener('pointermove', move);
    this.viewport.addEventListener('pointerup', up);
    this.viewport.addEventListener('pointercancel', up);
  }

  dragPan(event) {
    const start = { x: event.clientX, y: event.clientY, vx: this.view.x, vy: this.view.y };
    let moved = false;
    this.track(event, (e) => {
      moved ||= Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y) > 3;
      this.view.x = start.vx + e.clientX - start.x;
      this.view.y = start.vy + e.clientY - start.y;
      this.applyView();
    }, () => { if (!moved && (this.selected.size || this.selectedEdge !== null)) this.select([]); });
  }

  dragNodes(event, id) {
    event.preventDefault();
    if (event.shiftKey) { this.select([id], { add: true }); this.focusNode(id); return; }
    if (!this.selected.has(id)) this.select([id]);
    this.focusNode(id);
    const before = this.model.snapshot();
    const start = this.toWorld(event.clientX, event.clientY);
    const origin = new Map([...this.selected].map((sid) => [sid, { ...this.model.node(sid).position }]));
    this.track(event, (e) => {
      const p = this.toWorld(e.clientX, e.clientY);
      for (const [sid, o] of origin) {
        const node = this.model.node(sid);
        node.position = { x: Math.round(o.x + p.x - start.x), y: Math.round(o.y + p.y - start.y) };
        this.nodeEls.get(sid).style.transform = `translate(${node.position.x}px, ${node.position.y}px)`;
      }
      this.drawEdges();
    }, () => { this.model.commit(before); this.focusNode(id); });
  }

  dragConnect(event, nodeId, handle) {
    event.preventDefault();
    const node = this.model.node(nodeId);
    const from = this.anchor(node, handle);
    this.pending = { from, to: from };
    this.track(event, (e) => { this.pending.to = this.toWorld(e.clientX, e.clientY); this.drawEdges(); }, (e) => {
      this.pending = null;
      const target = document.elementFromPoint(e.clientX, e.clientY)?.closest('.dz-node');
      const moved = Math.abs(e.clientX - event.clientX) + Math.abs(e.clientY - event.clientY) > 6;
      if (target && target.dataset.id !== nodeId) { if (!this.model.connect(nodeId, handle, target.dataset.id)) this.drawEdges(); return; }
      this.drawEdges();
      const point = moved ? this.toWorld(e.clientX, e.clientY) : { x: from.x + 70, y: from.y - 30 };
      this.hooks.onPickNext({ node: nodeId, handle }, point);
    });
  }

  onDrop(event) {
    const raw = event.dataTransfer.getData('application/x-spojka-node');
    if (!raw) return;
    event.preventDefault();
    const p = this.toWorld(event.clientX, event.clientY);
    this.hooks.onDrop(JSON.parse(raw), { x: p.x - NODE_WIDTH / 2, y: p.y - 30 });
  }

  /** The world point at the middle of the visible area (where keyboard-added nodes go). */
  center() {
    return this.toWorld(this.viewport.getBoundingClientRect().left + this.viewport.clientWidth / 2 - NODE_WIDTH / 2 * this.view.z,
      this.viewport.getBoundingClientRect().top + this.viewport.clientHeight / 2 - 30 * this.view.z);
  }
}

function curve(a, b) {
  const dx = Math.max(40, Math.abs(b.x - a.x) / 2);
  return `M ${a.x} ${a.y} C ${a.x + dx} ${a.y}, ${b.x - dx} ${b.y}, ${b.x} ${b.y}`;
}

customElements.define('sp-designer-canvas', DesignerCanvas);
