// The trigger's properties: manual; webhook (signing connection, mode, the URL with Copy and how to sign); schedule
// (cron, time zone, catch-up, and the next five times as the server computes them).
import { api, query } from '../api.js';
import { copy, h, replace, uid } from '../dom.js';
import { ws } from '../state.js';
import { boundField, group } from './designer-fields.js';

const SCHEMES = {
  spojka: 'X-Spojka-Timestamp: <unix seconds> and X-Spojka-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">',
  github: 'X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>',
  shopify: 'X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>',
  slack: 'X-Slack-Request-Timestamp and X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">',
  custom: 'the header, algorithm, encoding and prefix set on the webhook connection',
};

/** The trigger section; `env` = {connections(), workflow (saved state or null)}. */
export function triggerSection(ctx, env) {
  const config = ctx.model.node(ctx.id).config ?? {};
  const kind = boundField(ctx, 'Starts', ['config', 'kind'], { kind: 'select', structure: true,
    options: [['manual', 'Manually (Run, or the API)'], ['webhook', 'On a webhook'], ['schedule', 'On a schedule']] });
  if (config.kind === 'webhook') return [kind, webhook(ctx, env, config)];
  if (config.kind === 'schedule') return [kind, schedule(ctx)];
  return [kind, h('p', { class: 'muted' }, 'Runs start from Run here, from the Executions page, or POST …/workflows/{id}/runs.')];
}

function webhook(ctx, env, config) {
  const hooks = env.connections().filter((c) => c.connector === 'webhook');
  const signing = hooks.find((c) => c.id === config.signing);
  const url = env.workflow?.webhookUrl;
  const urlId = uid('hook');
  return group('Webhook',
    boundField(ctx, 'Signing connection', ['config', 'signing'], { kind: 'select', required: true, structure: true,
      options: [['', hooks.length ? 'Choose a webhook connection…' : 'No webhook connection yet'], ...hooks.map((c) => [c.id, c.name])],
      hint: 'The webhook connection holds the signing secret; the workflow stores only its ID.' }),
    h('p', {}, h('a', { href: '/connections/new?connector=webhook', target: '_blank', rel: 'noopener' }, 'Add webhook connection'), ' (opens in a new tab)'),
    boundField(ctx, 'Mode', ['config', 'mode'], { kind: 'select', options: [['async', 'Answer 202 at once (async)'], ['sync', 'Wait for the response node (sync)']] }),
    boundField(ctx, 'Sync timeout (seconds)', ['config', 'timeoutSeconds'], { kind: 'number', hint: '1 to 300; sync mode answers 202 after it.' }),
    h('div', { class: 'field' }, h('label', { for: urlId }, 'Webhook URL'),
      url ? h('div', { class: 'dz-inline' }, h('input', { id: urlId, readonly: true, value: url }),
        h('button', { type: 'button', on: { click: async (e) => { e.target.textContent = (await copy(url)) ? 'Copied' : 'Copy failed'; } } }, 'Copy'))
        : h('p', { class: 'muted', id: urlId }, 'Save the workflow with this trigger to get its URL.')),
    h('p', { class: 'hint' }, 'The sender signs each request: ', SCHEMES[signing?.settings?.scheme ?? 'spojka'] ?? SCHEMES.spojka,
      '. A missing or wrong signature answers 401 and starts nothing.'));
}

let zones = null;
function schedule(ctx) {
  zones ??= typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
  const listId = uid('zones');
  const preview = h('ol', { class: 'dz-next', 'aria-live': 'polite' });
  const box = group('Schedule',
    boundField(ctx, 'Cron', ['config', 'cron'], { required: true, placeholder: '0 9 * * 1-5',
      hint: 'minute hour day-of-month month day-of-week; names like mon-fri and jan work.' }),
    boundField(ctx, 'Time zone', ['config', 'timezone'], { list: listId, placeholder: 'UTC', hint: 'An IANA zone, e.g. Australia/Sydney.' }),
    h('datalist', { id: listId }, zones.map((z) => h('option', { value: z }))),
    boundField(ctx, 'Catch up missed times', ['config', 'catchUp'], { kind: 'checkbox' }),
    h('h3', { class: 'dz-subheading' }, 'Next five times'), preview);
  drawPreview(ctx, preview);
  box.addEventListener('change', () => setTimeout(() => drawPreview(ctx, preview), 0));
  return box;
}

async function drawPreview(ctx, list) {
  const config = ctx.model.node(ctx.id)?.config ?? {};
  if (!config.cron) return replace(list, h('li', { class: 'muted' }, 'Enter a cron expression.'));
  const zone = config.timezone || 'UTC';
  try {
    const answer = await api('GET', ws('/schedule-preview') + query({ cron: config.cron, timezone: zone, count: 5 }));
    const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: zone });
    replace(list, answer.times.length ? answer.times.map((t) => h('li', {}, h('time', { datetime: t }, format.format(new Date(t)))))
      : h('li', { class: 'muted' }, 'It does not fire within a year.'));
  } catch (e) {
    replace(list, h('li', { class: 'error' }, Object.entries(e.fields ?? {}).map(([k, v]) => `${k} ${v}`).join('; ') || e.message));
  }
}
