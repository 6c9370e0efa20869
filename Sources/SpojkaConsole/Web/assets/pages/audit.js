// The audit log (admins, owners): filter by action or actor, newest first, cursor paging.
import { api, query } from '../api.js';
import { h, replace, time } from '../dom.js';
import { ws } from '../state.js';
import { pageHeader } from '../components/forms.js';

class AuditPage extends HTMLElement {
  connectedCallback() {
    this.cursors = [];
    this.action = h('input', { type: 'search', name: 'action', placeholder: 'e.g. connection.deleted', 'aria-label': 'Filter by action' });
    this.actor = h('input', { type: 'search', name: 'actor', placeholder: 'User ID', 'aria-label': 'Filter by actor' });
    this.list = h('div', {});
    this.pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    replace(this, h('section', { class: 'page' }, pageHeader('Audit log'),
      h('form', { class: 'toolbar', on: { submit: (e) => { e.preventDefault(); this.cursors = []; this.load(null); } } },
        this.action, this.actor, h('button', { type: 'submit' }, 'Filter')), this.list, this.pager));
    this.load(null);
  }

  async load(cursor) {
    let page;
    try { page = await api('GET', ws('/audit') + query({ action: this.action.value, actor: this.actor.value, cursor, limit: 50 })); }
    catch (error) { return replace(this.list, h('p', { class: 'error', role: 'alert' }, error.status === 403 ? 'Only admins and owners can read the audit log.' : error.message)); }
    replace(this.list, page.items.length === 0 ? h('p', { class: 'empty' }, 'No matching events.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, 'Audit events, newest first'),
      h('thead', {}, h('tr', {}, ['When', 'Action', 'Actor', 'Target', 'Outcome', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((e) => h('tr', {},
        h('td', { 'data-label': 'When' }, time(e.at)), h('th', { scope: 'row', 'data-label': 'Action' }, e.action),
        h('td', { 'data-label': 'Actor' }, h('code', {}, e.actor)), h('td', { 'data-label': 'Target' }, e.target ? h('code', {}, e.target) : '—'),
        h('td', { 'data-label': 'Outcome' }, e.outcome),
        h('td', { 'data-label': 'Details' }, Object.keys(e.details).length ? JSON.stringify(e.details) : '')))))));
    replace(this.pager,
      this.cursors.length ? h('button', { type: 'button', on: { click: () => { this.cursors.pop(); this.load(this.cursors.at(-1) ?? null); } } }, 'Newer') : null,
      page.nextCursor ? h('button', { type: 'button', on: { click: () => { this.cursors.push(page.nextCursor); this.load(page.nextCursor); } } }, 'Older') : null);
  }
}

customElements.define('sp-audit-page', AuditPage);
