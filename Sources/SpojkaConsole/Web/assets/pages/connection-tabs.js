// The tabs of a connection's page: Usage (workflows that reference it), Activity (events), Access log (admins).
import { api } from '../api.js';
import { h, replace, time } from '../dom.js';
import { ws } from '../state.js';

/** The tab list and panel for `connection`. */
export function connectionTabs(connection, { accessLog }) {
  const tabs = [['usage', 'Usage'], ['activity', 'Activity'], ...(accessLog ? [['access', 'Access log']] : [])];
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', tabindex: '0' });
  const buttons = tabs.map(([key, label], i) => h('button', { type: 'button', role: 'tab', id: `tab-${key}`, 'aria-selected': i === 0 ? 'true' : 'false',
    tabindex: i === 0 ? '0' : '-1', on: { click: () => select(key), keydown: (e) => move(e, i) } }, label));
  const move = (event, index) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = buttons[(index + step + buttons.length) % buttons.length];
    next.focus(); next.click();
  };
  const select = async (key) => {
    buttons.forEach((b) => { const on = b.id === `tab-${key}`; b.setAttribute('aria-selected', String(on)); b.tabIndex = on ? 0 : -1; });
    panel.setAttribute('aria-labelledby', `tab-${key}`);
    replace(panel, h('p', { class: 'muted' }, 'Loading…'));
    try { replace(panel, await LOADERS[key](connection)); } catch (error) { replace(panel, h('p', { class: 'error' }, error.message)); }
  };
  select('usage');
  return h('section', { class: 'tabs' }, h('div', { role: 'tablist', 'aria-label': 'About this connection' }, buttons), panel);
}

const LOADERS = {
  async usage(c) {
    const usage = await api('GET', ws(`/connections/${c.id}/usage`));
    if (usage.workflows.length === 0) return h('p', { class: 'muted' }, 'No workflow uses this connection yet.');
    return h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, `Used by ${usage.total} workflow${usage.total === 1 ? '' : 's'}`),
      h('thead', {}, h('tr', {}, ['Workflow', 'State', 'Versions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, usage.workflows.map((w) => h('tr', {},
        h('th', { scope: 'row', 'data-label': 'Workflow' }, h('a', { href: `/workflows?id=${encodeURIComponent(w.id)}` }, w.name)),
        h('td', { 'data-label': 'State' }, w.enabled ? 'enabled' : 'disabled'),
        h('td', { 'data-label': 'Versions' }, (w.versions ?? []).join(', ')))))));
  },
  async activity(c) {
    const page = await api('GET', ws(`/connections/${c.id}/events`));
    if (page.items.length === 0) return h('p', { class: 'muted' }, 'No activity yet.');
    return h('ol', { class: 'timeline' }, page.items.map((e) => h('li', {},
      time(e.at), ' ', h('strong', {}, e.type.replaceAll('_', ' ')),
      e.from || e.to ? h('span', {}, ` ${e.from ?? '—'} → ${e.to ?? '—'}`) : null,
      e.reason ? h('span', { class: 'muted' }, ` — ${e.reason}`) : null, h('span', { class: 'muted' }, ` by ${e.actor}`))));
  },
  async access(c) {
    const page = await api('GET', ws(`/connections/${c.id}/access-log`));
    if (page.items.length === 0) return h('p', { class: 'muted' }, 'The credentials have not been decrypted yet.');
    return h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, 'Every decryption of the credentials'),
      h('thead', {}, h('tr', {}, ['When', 'Who', 'Why', 'Tool'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((a) => h('tr', {}, h('td', { 'data-label': 'When' }, time(a.at)), h('td', { 'data-label': 'Who' }, a.actor),
        h('td', { 'data-label': 'Why' }, a.purpose), h('td', { 'data-label': 'Tool' }, a.tool ?? '—'))))));
  },
};
