// The Approvals inbox: the waiting human steps the signed-in user may decide (the server picks them), each with its
// message and the run's context; approve or reject with a comment.
import { api, query } from '../api.js';
import { h, replace, time } from '../dom.js';
import { state, ws } from '../state.js';
import { pageHeader, pagerButtons, statusLine } from '../components/forms.js';
import { approvalForm } from '../components/approval-form.js';
import { jsonBlock } from '../components/run-status.js';

const PAGE = 50;

class ApprovalsPage extends HTMLElement {
  connectedCallback() {
    this.cursors = [];
    this.status = statusLine();
    this.list = h('div', { class: 'list', 'aria-live': 'polite' });
    this.pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    replace(this, h('section', { class: 'page' },
      pageHeader('Approvals', h('button', { type: 'button', on: { click: () => this.load(this.cursors.at(-1) ?? null) } }, 'Refresh')),
      h('p', { class: 'muted' }, 'Runs waiting at a human step that you may decide, the longest waiting first.'),
      this.status, this.list, this.pager));
    this.load(null);
  }

  async load(cursor) {
    let page;
    try { page = await api('GET', ws('/approvals') + query({ cursor, limit: PAGE })); }
    catch (error) { return replace(this.list, h('p', { class: 'error', role: 'alert' }, error.message)); }
    if (page.items.length === 0) {
      replace(this.pager);
      return replace(this.list, h('div', { class: 'empty' }, h('h2', {}, 'Nothing to decide'),
        h('p', {}, 'When a run reaches a human step that names you, your role, or nobody in particular, it waits here for your decision.')));
    }
    replace(this.list, h('ul', { class: 'approvals plain' }, page.items.map((a) => this.card(a))));
    pagerButtons(this.pager, this.cursors, page.nextCursor, (cursor) => this.load(cursor));
  }

  card(a) {
    const headingId = `approval-${a.runId}-${a.key}`.replace(/[^A-Za-z0-9_-]/g, '-');
    const item = h('li', { class: 'approval card-block', dataset: { run: a.runId }, 'aria-labelledby': headingId });
    const approvers = [...(a.approvers?.users ?? []).map((u) => u === state.user?.id ? 'you' : u), ...(a.approvers?.roles ?? []).map((r) => `${r}s`)];
    replace(item,
      h('h2', { id: headingId }, a.workflow?.name ?? 'A deleted workflow', h('span', { class: 'muted' }, ` · step ${a.nodeId}`)),
      h('p', { class: 'approval-message' }, typeof a.message === 'string' ? a.message : JSON.stringify(a.message)),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Run'), h('dd', {}, h('a', { href: `/executions/${a.runId}` }, h('code', {}, a.runId)), ` (version ${a.run.version}, ${a.run.trigger})`),
        h('dt', {}, 'Waiting since'), h('dd', {}, time(a.requestedAt)),
        h('dt', {}, 'Times out'), h('dd', {}, a.deadline ? time(a.deadline) : 'never'),
        h('dt', {}, 'Approvers'), h('dd', {}, approvers.length ? approvers.join(', ') : 'any member')),
      h('details', {}, h('summary', {}, 'The run\'s input'), jsonBlock(a.run.input, `Input of run ${a.runId}`)),
      approvalForm(a.runId, a.nodeId, (_, decision) => {
        replace(item, h('p', { class: 'decided' }, `${decision === 'approve' ? 'Approved' : 'Rejected'}: ${a.workflow?.name ?? a.runId}. `,
          h('a', { href: `/executions/${a.runId}` }, 'Open the run')));
        this.status.textContent = decision === 'approve' ? 'Approved; the run continues.' : 'Rejected; the run fails with your comment.';
      }));
    return item;
  }
}

customElements.define('sp-approvals-page', ApprovalsPage);
