// A run's page: status, workflow and version, trigger, times, error and output; Cancel while it runs or waits; the
// approval form of a waiting human step; the step timeline with each step's input, output, error, attempt and duration
// (scrubbed of credentials by the server, shown as the API returns them). Refreshes itself until the run ends.
import { api } from '../api.js';
import { h, replace, time } from '../dom.js';
import { atLeast, state, ws } from '../state.js';
import { alertBox, statusLine } from '../components/forms.js';
import '../components/dialog-box.js';
import { approvalForm, mayDecide } from '../components/approval-form.js';
import { duration, isFinal, jsonBlock, runStatus } from '../components/run-status.js';

const POLL_MS = 1000;

class RunPage extends HTMLElement {
  connectedCallback() { this.refresh(); }
  disconnectedCallback() { clearTimeout(this.timer); }

  async refresh(message) {
    clearTimeout(this.timer);
    let run;
    try { run = await api('GET', ws(`/runs/${encodeURIComponent(this.params.id)}`)); }
    catch (error) {
      if (this.run) { if (this.isConnected) this.timer = setTimeout(() => this.refresh(), POLL_MS * 3); return; }
      return replace(this, h('section', { class: 'page' }, h('h1', {}, 'Run not found'), h('p', {}, error.message),
        h('a', { href: '/executions' }, 'Back to Executions')));
    }
    const changed = !this.run || this.run.status !== run.status || (this.run.steps?.length ?? 0) !== run.steps.length;
    this.run = run;
    if (changed || message) this.draw(message);
    if (!isFinal(run.status) && this.isConnected) this.timer = setTimeout(() => this.refresh(), POLL_MS);
  }

  draw(message) {
    const r = this.run;
    this.alert = alertBox();
    this.status = statusLine();
    const waiting = r.steps.filter((s) => s.status === 'waiting');
    replace(this, h('section', { class: 'page' },
      h('p', { class: 'breadcrumb' }, h('a', { href: '/executions' }, 'Executions'), ' / ', r.id),
      h('div', { class: 'page-header' }, h('h1', {}, `Run of ${r.workflowName ?? 'a deleted workflow'}`),
        h('div', { class: 'actions' },
          !isFinal(r.status) && atLeast('member') ? h('button', { type: 'button', class: 'danger', on: { click: () => this.cancel() } }, 'Cancel run') : null)),
      this.alert, this.status,
      h('div', { class: 'status-panel', id: 'run-status' }, runStatus(r.status), r.finishedAt ? h('span', { class: 'muted' }, ' ended ', time(r.finishedAt)) : null),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Run'), h('dd', {}, h('code', {}, r.id)),
        h('dt', {}, 'Workflow'), h('dd', {}, r.workflowName ? h('a', { href: `/workflows/${r.workflowId}` }, r.workflowName) : h('code', {}, r.workflowId), ` (version ${r.version})`),
        h('dt', {}, 'Trigger'), h('dd', {}, r.trigger),
        h('dt', {}, 'Started'), h('dd', {}, time(r.createdAt)),
        h('dt', {}, 'Duration'), h('dd', {}, r.finishedAt ? duration(r.createdAt, r.finishedAt) : 'still ' + r.status),
        r.parentRunId ? [h('dt', {}, 'Parent run'), h('dd', {}, h('a', { href: `/executions/${r.parentRunId}` }, r.parentRunId))] : null),
      r.error ? h('div', { class: 'alert run-error', role: 'note' }, h('strong', {}, r.error.code ?? 'error'), h('p', {}, r.error.message ?? ''),
        r.error.nodeId ? h('p', {}, 'At node ', h('code', {}, r.error.nodeId)) : null) : null,
      waiting.map((s) => this.approval(s)),
      r.output !== null && r.output !== undefined ? [h('h2', {}, 'Output'), jsonBlock(r.output, 'Run output')] : null,
      h('h2', { id: 'steps-heading' }, 'Steps'),
      h('ol', { class: 'steps', 'aria-labelledby': 'steps-heading' }, r.steps.map((s) => this.step(s)))));
    if (message) this.status.textContent = message;
  }

  approval(step) {
    const allowed = mayDecide(step, state.user?.id, state.workspace?.role);
    return h('section', { class: 'approval', 'aria-label': `Approval at ${step.nodeId}` },
      h('h2', {}, 'Waiting for approval'),
      h('p', { class: 'approval-message' }, String(step.input?.message ?? '')),
      step.deadline ? h('p', { class: 'muted' }, 'Times out ', time(step.deadline)) : null,
      allowed ? approvalForm(this.run.id, step.nodeId, (_, decision) => this.refresh(decision === 'approve' ? 'Approved; the run continues.' : 'Rejected; the run fails.'))
        : h('p', { class: 'muted' }, 'You are not one of its approvers.'));
  }

  step(s) {
    const label = `${s.nodeId}${s.key !== s.nodeId ? ` (${s.key})` : ''}`;
    return h('li', { class: `step step-${s.status}`, dataset: { step: s.key } },
      h('div', { class: 'step-head' }, h('strong', {}, label), h('span', { class: 'tag' }, s.type), runStatus(s.status),
        h('span', { class: 'muted' }, `attempt ${s.attempt}`),
        h('span', { class: 'muted' }, time(s.startedAt)),
        h('span', { class: 'muted' }, s.finishedAt ? duration(s.startedAt, s.finishedAt) : (s.status === 'waiting' ? 'waiting' : '—')),
        s.connectionId ? h('span', { class: 'muted' }, 'connection ', h('a', { href: `/connections/${s.connectionId}` }, h('code', {}, s.connectionId))) : null),
      h('details', { class: 'step-data' }, h('summary', {}, `Input, output and error of ${label}`),
        h('h3', {}, 'Input'), jsonBlock(s.input, `Input of ${label}`),
        h('h3', {}, 'Output'), jsonBlock(s.output, `Output of ${label}`),
        s.error ? [h('h3', {}, 'Error'), jsonBlock(s.error, `Error of ${label}`)] : null));
  }

  cancel() {
    const dialog = document.createElement('sp-dialog-box');
    const error = h('p', { class: 'error', role: 'alert' });
    dialog.open('Cancel this run?', [h('p', {}, 'The step in progress finishes; nothing after it runs. The run ends as cancelled.'), error],
      'Cancel the run', async () => {
        try { await api('POST', ws(`/runs/${encodeURIComponent(this.run.id)}/cancel`)); this.refresh('Cancelled.'); return true; }
        catch (e) { error.textContent = e.message; return false; }
      }, { danger: true });
  }
}

customElements.define('sp-run-page', RunPage);
