// Properties of the node types other than trigger and connector: every documented config key (docs/workflows.md).
import { h } from '../dom.js';
import { boundField, getPath, group, setPath } from './designer-fields.js';

const OPERATORS = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_contains', 'is_empty', 'is_not_empty'];

/** The fields of node `ctx.id` of `type`; `env` = {workflows, members}. */
export function typeSection(ctx, type, env) {
  const f = (label, key, options) => boundField(ctx, label, ['config', ...[key].flat()], options);
  switch (type) {
    case 'transform': return [
      f('Template', 'template', { kind: 'loose', rows: 6, hint: 'JSON whose strings may hold {{ templates }}, or one template.' }),
      f('Iterate over', 'iterate', { hint: 'Optional: {{ input.items }} builds the template once per item (item, index).' })];
    case 'condition': return [f('Combine rules with', 'combine', { kind: 'select', options: [['and', 'and (all hold)'], ['or', 'or (any holds)']] }),
      rules(ctx, ['config', 'rules'])];
    case 'loop': return loop(ctx, f);
    case 'parallel': return [f('Branches', 'branches', { kind: 'number', required: true, structure: true, hint: '1 to 100; handles 0 … n-1.' })];
    case 'human': return [
      f('Message', 'message', { kind: 'loose', rows: 2, hint: 'Shown to the approver; may hold templates.' }),
      f('Approver roles', ['approvers', 'roles'], { kind: 'lines', rows: 2, hint: 'One per line: owner, admin, member or viewer (and above).' }),
      f('Approver users', ['approvers', 'users'], { kind: 'lines', rows: 2,
        hint: `One user ID per line. Members: ${env.members.map((m) => `${m.name ?? m.email} (${m.id})`).join(', ') || '—'}.` }),
      f('Timeout (minutes)', 'timeoutMinutes', { kind: 'number' })];
    case 'subworkflow': return [
      f('Workflow', 'workflow', { kind: 'select', required: true,
        options: [['', 'Choose a workflow…'], ...env.workflows.map((w) => [w.id, w.name])] }),
      f('Input', 'input', { kind: 'loose', rows: 4, hint: 'JSON with templates: the child run\'s input.' })];
    case 'response': return [
      f('Status', 'status', { kind: 'number', hint: 'An HTTP status (default 200) or a template.' }),
      f('Headers', 'headers', { kind: 'loose', rows: 2, hint: 'A JSON object of header names to values.' }),
      f('Body', 'body', { kind: 'loose', rows: 5, hint: 'JSON with templates, or one template like {{ shape }}.' })];
    default: return [];
  }
}

function loop(ctx, f) {
  const mode = ctx.model.node(ctx.id).config?.mode;
  const out = [f('Mode', 'mode', { kind: 'select', structure: true, options: [['forEach', 'For each item'], ['while', 'While a condition holds'], ['times', 'A number of times']] })];
  if (mode === 'forEach') out.push(f('Array', 'array', { required: true, placeholder: '{{ input.items }}' }));
  if (mode === 'while') out.push(f('Combine rules with', ['condition', 'combine'], { kind: 'select', options: [['and', 'and'], ['or', 'or']] }),
    rules(ctx, ['config', 'condition', 'rules']), f('Most iterations', 'maxIterations', { kind: 'number', hint: 'Default 100.' }));
  if (mode === 'times') out.push(f('Count', 'count', { kind: 'number', required: true }));
  out.push(f('Item variable', 'itemVariable', { placeholder: 'item' }), f('Index variable', 'indexVariable', { placeholder: 'index' }));
  return out;
}

/** A list of {field, operator, value} rules with add and remove. */
function rules(ctx, path) {
  const list = (ctx.model.node(ctx.id) ? getPath(ctx.model.node(ctx.id), path) : null) ?? [];
  const editRules = (fn) => ctx.model.edit((def) => {
    const node = def.nodes.find((n) => n.id === ctx.id);
    const rulesNow = getPath(node, path) ?? [];
    fn(rulesNow);
    setPath(node, path, rulesNow);
  }, 'structure');
  return group('Rules', list.map((_, i) => h('div', { class: 'dz-rule' },
    boundField(ctx, `Rule ${i + 1} field`, [...path, i, 'field'], { placeholder: '{{ order.total }}' }),
    boundField(ctx, `Rule ${i + 1} operator`, [...path, i, 'operator'], { kind: 'select', options: OPERATORS.map((o) => [o, o]) }),
    boundField(ctx, `Rule ${i + 1} value`, [...path, i, 'value'], { kind: 'loose', rows: 1, hint: 'JSON (100, "AU", true) or text.' }),
    h('button', { type: 'button', class: 'link-button', on: { click: () => editRules((r) => r.splice(i, 1)) } }, `Remove rule ${i + 1}`))),
  h('button', { type: 'button', on: { click: () => editRules((r) => r.push({ field: '', operator: 'equals', value: '' })) } }, 'Add rule'));
}
