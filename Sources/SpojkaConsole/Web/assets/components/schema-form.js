// A form section generated from a JSON Schema object: enums as selects, booleans as checkboxes, numbers with bounds,
// secrets (writeOnly) as password inputs, defaults filled in, required marks, descriptions and pattern hints.
import { h, replace, uid } from '../dom.js';

class SchemaForm extends HTMLElement {
  /** Draws the fields of `schema`; `prefix` names them in API error paths (e.g. 'credentials'). */
  setup(schema, { prefix, secretsAsText = false, values = {} } = {}) {
    this.schema = schema ?? { properties: {} };
    this.pathPrefix = prefix;
    this.inputs = new Map();
    const required = new Set(this.schema.required ?? []);
    const fields = Object.entries(this.schema.properties ?? {}).map(([name, field]) =>
      this.field(name, field, required.has(name), values[name], secretsAsText));
    replace(this, fields.length ? fields : h('p', { class: 'muted' }, 'Nothing to fill in.'));
    return this;
  }

  field(name, schema, required, value, secretsAsText) {
    const id = uid(`${this.pathPrefix}-${name}`);
    const hintId = id + '-hint';
    const errorId = id + '-error';
    const hints = [schema.description ?? schema.title ?? ''];
    if (schema.pattern) hints.push(h('span', { class: 'pattern' }, ' Format: ', h('code', {}, schema.pattern)));
    const describedBy = `${hintId} ${errorId}`;
    const initial = value ?? schema.default;
    let input;
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    if (schema.enum) {
      input = h('select', { id, name, required, 'aria-describedby': describedBy },
        required ? null : h('option', { value: '' }, '—'),
        schema.enum.map((v) => h('option', { value: JSON.stringify(v), selected: JSON.stringify(v) === JSON.stringify(initial) }, String(v))));
    } else if (type === 'boolean') {
      input = h('input', { id, name, type: 'checkbox', checked: initial === true, 'aria-describedby': describedBy });
    } else if (type === 'integer' || type === 'number') {
      input = h('input', { id, name, type: 'number', required, min: schema.minimum, max: schema.maximum,
        step: type === 'integer' ? 1 : 'any', value: initial ?? '', 'aria-describedby': describedBy });
    } else if (type === 'object' || type === 'array') {
      input = h('textarea', { id, name, rows: 3, required, spellcheck: 'false', 'aria-describedby': describedBy,
        value: initial === undefined ? '' : JSON.stringify(initial, null, 2) });
      hints.push(' (JSON)');
    } else {
      const secret = schema.writeOnly && !secretsAsText;
      input = h('input', { id, name, type: secret ? 'password' : 'text', required, autocomplete: 'off', spellcheck: 'false',
        maxlength: schema.maxLength, minlength: schema.minLength, value: secret ? '' : (initial ?? ''), 'aria-describedby': describedBy });
    }
    input.dataset.kind = schema.enum ? 'enum' : type ?? 'string';
    this.inputs.set(name, input);
    const label = h('label', { for: id }, title(name, schema), required ? h('span', { class: 'required' }, ' (required)') : null,
      schema.writeOnly ? h('span', { class: 'secret-mark' }, ' · secret') : null);
    return h('div', { class: type === 'boolean' ? 'field checkbox' : 'field' },
      type === 'boolean' ? [input, label] : [label, input],
      h('p', { class: 'hint', id: hintId }, hints),
      h('p', { class: 'error', id: errorId, role: 'alert' }));
  }

  /** The typed values (empty optional fields left out); throws with `{fields}` when JSON does not parse. */
  values({ strings = false } = {}) {
    const out = {};
    const problems = {};
    for (const [name, input] of this.inputs) {
      const kind = input.dataset.kind;
      if (kind === 'boolean') { out[name] = strings ? String(input.checked) : input.checked; continue; }
      const raw = input.value;
      if (raw === '') continue;
      if (strings) { out[name] = kind === 'enum' ? String(JSON.parse(raw)) : raw; continue; }
      if (kind === 'enum') out[name] = JSON.parse(raw);
      else if (kind === 'integer' || kind === 'number') out[name] = Number(raw);
      else if (kind === 'object' || kind === 'array') {
        try { out[name] = JSON.parse(raw); } catch { problems[`${this.pathPrefix}.${name}`] = 'is not valid JSON'; }
      } else out[name] = raw;
    }
    if (Object.keys(problems).length) throw Object.assign(new Error('Some fields are not valid'), { fields: problems });
    return out;
  }

  /** Shows API field errors (`credentials.token` or `token`) next to their inputs; returns how many were shown. */
  showErrors(fields = {}) {
    let shown = 0;
    for (const [name, input] of this.inputs) {
      const message = fields[`${this.pathPrefix}.${name}`] ?? fields[`${this.pathPrefix}/${name}`] ?? fields[`/${name}`];
      const error = this.querySelector('#' + CSS.escape(input.id + '-error'));
      error.textContent = message ? `${title(name, {})} ${message}` : '';
      input.setAttribute('aria-invalid', message ? 'true' : 'false');
      if (message) shown += 1;
    }
    return shown;
  }

  /** Empties the secret inputs. */
  clearSecrets() { for (const input of this.inputs.values()) if (input.type === 'password') input.value = ''; }
}

/** "apiVersion" → "Api version"; a schema title wins. */
export function title(name, schema) {
  if (schema.title) return schema.title;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

customElements.define('sp-schema-form', SchemaForm);
