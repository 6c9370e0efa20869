// What the designer shows about a node (its title, a one-line summary, whether its connection is gone), the server's
// validation errors sorted onto nodes, fields and edges, and the variables in scope at a node.
import { toolOf } from './designer-catalog.js';

/** {title, subtitle, broken} of `node`; `connections` by ID, `catalog` by key, `broken` the API's broken nodes (ID → connection). */
export function describe(node, { connections, catalog, broken }) {
  const c = node.config ?? {};
  const title = node.label || node.id;
  switch (node.type) {
    case 'trigger':
      return { title, subtitle: c.kind === 'schedule' ? `schedule ${c.cron ?? ''} ${c.timezone ?? 'UTC'}` : c.kind === 'webhook' ? 'webhook' : 'manual' };
    case 'connector': {
      const name = catalog.get(c.connector)?.name ?? c.connector ?? 'no connector';
      const parts = [`${name}: ${c.tool ?? 'no tool'}`];
      if (c.connection) {
        const found = connections.get(c.connection);
        if (!found || broken.get(node.id) === c.connection) return { title, subtitle: parts[0], broken: `Connection deleted: ${c.connection}` };
        parts.push(found.name);
      }
      return { title, subtitle: parts.join(' · ') };
    }
    case 'condition': return { title, subtitle: `${(c.rules ?? []).length} rule(s), ${c.combine ?? 'and'}` };
    case 'loop': return { title, subtitle: c.mode ?? 'no mode' };
    case 'parallel': return { title, subtitle: `${c.branches ?? 0} branches` };
    case 'response': return { title, subtitle: `status ${c.status ?? 200}` };
    case 'subworkflow': return { title, subtitle: c.workflow || 'no workflow' };
    default: return { title, subtitle: node.outputVariable ? `→ ${node.outputVariable}` : '' };
  }
}

/**
 * Sorts a 422's `fields` ({path: message}) by node: Map(nodeId → {restPath: message}); '' holds what names no node.
 * An edge's problem goes to its source node (key `edges`) and to the canvas (`edge:<index>`). A missing required
 * argument (`config.arguments`: "missing required property 'x'") goes to that argument's field.
 */
export function sortErrors(fields, def) {
  const out = new Map();
  const put = (id, path, message) => {
    const entry = out.get(id) ?? {};
    entry[path] = entry[path] ? `${entry[path]}; ${message}` : message;
    out.set(id, entry);
  };
  const ids = def.nodes.map((n) => n.id).sort((a, b) => b.length - a.length);
  for (const [path, message] of Object.entries(fields)) {
    const id = ids.find((n) => path.startsWith(`nodes.${n}.`));
    const edge = /^edges\[(\d+)\]/.exec(path);
    if (id) {
      const rest = path.slice(`nodes.${id}.`.length);
      const missing = /missing required propert(?:y|ies) (.+)/.exec(message);
      if (rest === 'config.arguments' && missing) {
        for (const [, name] of missing[1].matchAll(/'([^']+)'/g)) put(id, `config.arguments.${name}`, 'is required');
      } else put(id, rest, message);
    } else if (edge && def.edges[Number(edge[1])]) {
      const e = def.edges[Number(edge[1])];
      put(e.from, 'edges', `edge to ${e.to}${e.handle ? ` (${e.handle})` : ''}: ${message}`);
      put(`edge:${edge[1]}`, '', message);
    } else if (path === 'edges' && / through (.+)$/.test(message)) {
      // A cycle names its nodes: each of them shows it.
      const chain = / through (.+)$/.exec(message)[1].split(' → ').filter((n) => def.nodes.some((x) => x.id === n));
      for (const n of new Set(chain)) put(n, 'edges', message);
      def.edges.forEach((e, i) => { if (chain.includes(e.from) && chain.includes(e.to)) put(`edge:${i}`, '', message); });
    } else put('', path, message);
  }
  return out;
}

/** The variables a template at node `id` can read: input, upstream outputs (with their tools' output fields), loop items. */
export async function variablesAt(model, id) {
  const out = ['input'];
  for (const upId of model.upstream(id)) {
    const node = model.node(upId);
    if (!node) continue;
    if (node.type === 'loop') out.push(node.config?.itemVariable || 'item', node.config?.indexVariable || 'index');
    if (!node.outputVariable) continue;
    out.push(node.outputVariable);
    if (node.type === 'connector') {
      const tool = await toolOf(node.config?.connector, node.config?.tool);
      for (const [name, prop] of Object.entries(tool?.outputSchema?.properties ?? {})) {
        out.push(`${node.outputVariable}.${name}`);
        for (const inner of Object.keys(prop?.properties ?? {})) out.push(`${node.outputVariable}.${name}.${inner}`);
      }
    }
  }
  return [...new Set(out)];
}
