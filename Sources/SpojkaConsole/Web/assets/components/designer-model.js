// The designer's model: a workflow definition being edited, with undo/redo of every edit, the handles each node type
// has (as the engine defines them), node sizes and an automatic layout for definitions saved without positions.

/** Node types in palette order, with a short description. */
export const NODE_TYPES = [
  ['trigger', 'Trigger', 'How runs start: manual, webhook or schedule'],
  ['connector', 'Connector', 'Call a tool through a connection'],
  ['transform', 'Transform', 'Build JSON from templates'],
  ['condition', 'Condition', 'Branch on rules: true / false'],
  ['loop', 'Loop', 'forEach, while or times: body / complete'],
  ['parallel', 'Parallel', 'Start several branches at once'],
  ['human', 'Human', 'Wait for an approval'],
  ['subworkflow', 'Subworkflow', 'Run another workflow'],
  ['response', 'Response', 'End the run with a status and body'],
];
export const TYPE_LABEL = Object.fromEntries(NODE_TYPES.map(([t, label]) => [t, label]));

/** The default config of a new node of `type`. */
export function defaultConfig(type) {
  switch (type) {
    case 'trigger': return { kind: 'manual' };
    case 'connector': return { arguments: {} };
    case 'transform': return { template: {} };
    case 'condition': return { combine: 'and', rules: [{ field: '{{ input }}', operator: 'is_not_empty' }] };
    case 'loop': return { mode: 'forEach', array: '{{ input.items }}' };
    case 'parallel': return { branches: 2 };
    case 'human': return { message: 'Approve?' };
    case 'subworkflow': return { workflow: '', input: {} };
    case 'response': return { status: 200, body: '{{ input }}' };
    default: return {};
  }
}

/** The output handles of a node (`''`: its single unnamed output); a response ends the run and has none. */
export function handlesOf(node) {
  switch (node.type) {
    case 'condition': return ['true', 'false'];
    case 'loop': return ['body', 'complete'];
    case 'parallel': {
      const n = Math.max(0, Math.min(100, Math.floor(Number(node.config?.branches) || 0)));
      return Array.from({ length: n }, (_, i) => String(i));
    }
    case 'response': return [];
    default: return [''];
  }
}

/** Whether a node can be the target of an edge (nothing leads into the trigger). */
export const hasInput = (node) => node.type !== 'trigger';

export const NODE_WIDTH = 210;
/** A node's height: room for its output handles. */
export function nodeHeight(node) { return Math.max(68, handlesOf(node).length * 22 + 16); }
/** Where output handle `index` of `count` sits, relative to the node's top. */
export function handleY(node, index, count) { return (nodeHeight(node) * (index + 1)) / (count + 1); }

/** A workflow definition under edit; `onChange(reason)` is called after every change. */
export class DesignerModel {
  constructor(definition, onChange = () => {}) {
    this.onChange = onChange;
    this.undoStack = [];
    this.redoStack = [];
    this.load(definition);
  }

  /** Replaces the whole definition (no undo entry). */
  load(definition) {
    this.def = structuredClone(definition);
    this.def.nodes ??= [];
    this.def.edges ??= [];
    autoLayout(this.def);
  }

  node(id) { return this.def.nodes.find((n) => n.id === id); }
  snapshot() { return JSON.stringify(this.def); }

  /** Applies `fn(def)` as one undoable edit. */
  edit(fn, reason = 'edit') {
    const before = this.snapshot();
    fn(this.def);
    if (this.snapshot() === before) return false;
    this.undoStack.push(before);
    if (this.undoStack.length > 200) this.undoStack.shift();
    this.redoStack = [];
    this.onChange(reason);
    return true;
  }

  /** Records `before` (a snapshot taken earlier, e.g. at the start of a drag) as one undo step. */
  commit(before, reason = 'move') {
    if (before === this.snapshot()) return;
    this.undoStack.push(before);
    this.redoStack = [];
    this.onChange(reason);
  }

  undo() { return this.step(this.undoStack, this.redoStack); }
  redo() { return this.step(this.redoStack, this.undoStack); }
  step(from, to) {
    const target = from.pop();
    if (target === undefined) return false;
    to.push(this.snapshot());
    this.def = JSON.parse(target);
    this.onChange('history');
    return true;
  }

  /** A node ID that is not taken, from `base` (letters, digits and underscores, like an output variable). */
  freeId(base) {
    const clean = String(base).replace(/[^A-Za-z0-9_]+/g, '_').replace(/^(?![A-Za-z_])/, 'n_').slice(0, 40) || 'node';
    const taken = new Set(this.def.nodes.map((n) => n.id));
    if (!taken.has(clean)) return clean;
    for (let i = 2; ; i += 1) if (!taken.has(`${clean}_${i}`)) return `${clean}_${i}`;
  }

  /** Adds a node of `type` at `position` (an edit); returns its ID. */
  addNode(type, position, { config, idBase, from } = {}) {
    const id = this.freeId(idBase ?? type);
    this.edit((def) => {
      const node = { id, type, config: config ?? defaultConfig(type), position: { x: Math.round(position.x), y: Math.round(position.y) } };
      if (['connector', 'transform', 'human', 'subworkflow', 'loop'].includes(type)) node.outputVariable = id;
      def.nodes.push(node);
      if (from) def.edges.push(edgeOf(from.node, from.handle, id));
    }, 'add');
    return id;
  }

  /** Adds the edge `from` → `to` through `handle` unless it exists or is impossible; returns whether it was added. */
  connect(from, handle, to) {
    const source = this.node(from);
    const target = this.node(to);
    if (!source || !target || from === to || !hasInput(target)) return false;
    if (this.def.edges.some((e) => e.from === from && e.to === to && (e.handle ?? '') === (handle ?? ''))) return false;
    return this.edit((def) => def.edges.push(edgeOf(from, handle, to)), 'connect');
  }

  /** Deletes nodes (with their edges) and edges by index, as one edit. */
  remove(nodeIds, edgeIndexes = []) {
    const nodes = new Set(nodeIds);
    const edges = new Set(edgeIndexes);
    return this.edit((def) => {
      def.nodes = def.nodes.filter((n) => !nodes.has(n.id));
      def.edges = def.edges.filter((e, i) => !edges.has(i) && !nodes.has(e.from) && !nodes.has(e.to));
    }, 'remove');
  }

  /** Renames a node and the edges that use it. */
  renameNode(oldId, newId) {
    if (!newId || this.node(newId)) return false;
    return this.edit((def) => {
      for (const n of def.nodes) if (n.id === oldId) n.id = newId;
      for (const e of def.edges) { if (e.from === oldId) e.from = newId; if (e.to === oldId) e.to = newId; }
    }, 'rename');
  }

  /** The definition to save: positions rounded, empty optional keys left out. */
  toDefinition() {
    const def = structuredClone(this.def);
    for (const n of def.nodes) {
      if (n.position) n.position = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
      for (const key of ['outputVariable', 'label']) if (n[key] === '') delete n[key];
    }
    return def;
  }

  /** The node IDs upstream of `id` (every node with a path to it). */
  upstream(id) {
    const into = new Map();
    for (const e of this.def.edges) into.set(e.to, [...(into.get(e.to) ?? []), e.from]);
    const seen = new Set();
    const stack = [...(into.get(id) ?? [])];
    while (stack.length) {
      const next = stack.pop();
      if (seen.has(next) || next === id) continue;
      seen.add(next);
      stack.push(...(into.get(next) ?? []));
    }
    return seen;
  }
}

function edgeOf(from, handle, to) { return handle ? { from, handle, to } : { from, to }; }

/** Gives every node without a position one: columns by distance from the trigger, rows in order (loops' back edges ignored). */
export function autoLayout(def) {
  const missing = def.nodes.filter((n) => !validPosition(n.position));
  if (missing.length === 0) return false;
  const types = new Map(def.nodes.map((n) => [n.id, n.type]));
  const out = new Map();
  for (const e of def.edges) if (types.get(e.to) !== 'loop' || e.handle) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const layer = new Map();
  const roots = def.nodes.filter((n) => n.type === 'trigger').map((n) => n.id);
  const queue = roots.map((id) => [id, 0]);
  let guard = def.nodes.length * def.nodes.length + 10;
  while (queue.length && guard-- > 0) {
    const [id, depth] = queue.shift();
    if ((layer.get(id) ?? -1) >= depth) continue;
    layer.set(id, depth);
    for (const next of out.get(id) ?? []) if (depth + 1 < def.nodes.length) queue.push([next, depth + 1]);
  }
  const rows = new Map();
  const maxLayer = Math.max(0, ...layer.values());
  for (const node of def.nodes) {
    if (validPosition(node.position)) continue;
    const column = layer.get(node.id) ?? maxLayer + 1;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    node.position = { x: 60 + column * (NODE_WIDTH + 70), y: 60 + row * 110 };
  }
  return true;
}

function validPosition(p) { return p && Number.isFinite(p.x) && Number.isFinite(p.y); }
