// Running from the designer: the input editor, polling of the run (nodes light up: running, completed, failed,
// waiting), the run's result, and one node's step — its input, output and error as the API returns them (scrubbed).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { ws } from '../state.js';
import './dialog-box.js';
import { isFinal } from './run-status.js';

/** Asks for the run's input (JSON); resolves to the parsed value or undefined when cancelled. */
export function askInput(previous) {
  return new Promise((resolve) => {
    const dialog = document.createElement('sp-dialog-box');
    const text = h('textarea', { id: 'run-input', rows: 8, spellcheck: 'false', 'aria-describedby': 'run-input-hint run-input-error', value: previous ?? '{}' });
    const error = h('p', { class: 'error', id: 'run-input-error', role: 'alert' });
    let done = false;
    const el = dialog.open('Run workflow', [h('label', { for: 'run-input' }, 'Input (JSON)'), text,
      h('p', { class: 'hint', id: 'run-input-hint' }, 'Templates read it as {{ input }}, e.g. {{ input.text }}.'), error], 'Start run', async () => {
      try { const value = JSON.parse(text.value || '{}'); done = true; resolve({ value, text: text.value }); return true; } catch (e) {
        error.textContent = `The input is not JSON: ${e.message}`; text.setAttribute('aria-invalid', 'true'); return false;
      }
    });
    el.addEventListener('close', () => { if (!done) resolve(undefined); });
  });
}

/** Starts a run of `workflowId` and polls it; `onUpdate(run)` is called with each new state. */
export class RunWatcher {
  constructor(workflowId, onUpdate) { this.workflowId = workflowId; this.onUpdate = onUpdate; this.run = null; this.generation = 0; }

  async start(input) {
    this.stop();
    const generation = this.generation;
    const answer = await api('POST', ws(`/workflows/${encodeURIComponent(this.workflowId)}/runs`), { input });
    if (generation !== this.generation) return; // stopped meanwhile (the page was left)
    this.run = { id: answer.runId ?? answer.id, status: 'running', steps: [] };
    this.onUpdate(this.run);
    this.poll();
  }

  async poll() {
    const id = this.run?.id;
    const generation = this.generation;
    if (!id) return;
    try {
      this.run = await api('GET', ws(`/runs/${encodeURIComponent(id)}`));
      this.onUpdate(this.run);
    } catch { /* a failed poll is tried again */ }
    // A stop() during the request (the page was left, or a new run began) ends this loop.
    if (generation !== this.generation || this.run?.id !== id || isFinal(this.run.status)) return;
    this.timer = setTimeout(() => this.poll(), this.run.status === 'waiting' ? 2000 : 300);
  }

  stop() { clearTimeout(this.timer); this.timer = null; this.generation += 1; }

  /** The state of each node: the latest step's status, and `running` for nodes whose predecessors are done. */
  states(model) {
    const out = new Map();
    if (!this.run) return out;
    for (const step of this.run.steps ?? []) {
      const seen = out.get(step.nodeId);
      if (seen !== 'failed' && seen !== 'waiting') out.set(step.nodeId, step.status);
    }
    if (this.run.status === 'running') {
      for (const node of model.def.nodes) {
        if (out.has(node.id)) continue;
        const before = model.def.edges.filter((e) => e.to === node.id).map((e) => e.from);
        if (before.length && before.every((id) => out.get(id) === 'completed')) out.set(node.id, 'running');
      }
    }
    return out;
  }

  /** The latest step of `nodeId`, or null. */
  step(nodeId) { return (this.run?.steps ?? []).filter((s) => s.nodeId === nodeId).at(-1) ?? null; }
}

/** The status line under the canvas: the run, its status, output or error, and a link to its page. */
export function runSummary(run) {
  if (!run) return [];
  const label = { running: 'Running…', waiting: 'Waiting for an approval', completed: 'Completed', failed: 'Failed', timed_out: 'Timed out', cancelled: 'Cancelled' };
  return [h('strong', { class: `dz-run-status dz-run-${run.status}` }, label[run.status] ?? run.status), ' ',
    h('a', { href: `/executions/${run.id}` }, run.id),
    run.error ? h('span', { class: 'dz-run-error' }, ` · ${run.error.code}: ${run.error.message}`) : null,
    run.status === 'completed' ? h('details', { class: 'dz-run-output' }, h('summary', {}, 'Output'), json(run.output)) : null];
}

/** One node's step in the run: status, attempt, input, output, error. */
export function stepView(step, run) {
  if (!run) return null;
  if (!step) return h('p', { class: 'muted dz-step' }, `This node has no step in run ${run.id}.`);
  return h('section', { class: 'dz-step', 'aria-label': 'Step in the last run' },
    h('h3', { class: 'dz-subheading' }, `Last run: ${step.status}`, step.attempt > 1 ? ` (attempt ${step.attempt})` : ''),
    h('h4', {}, 'Input'), json(step.input), h('h4', {}, 'Output'), json(step.output),
    step.error ? [h('h4', {}, 'Error'), json(step.error)] : null);
}

function json(value) {
  return h('pre', { class: 'dz-json', tabindex: '0' }, value === null || value === undefined ? '—' : JSON.stringify(value, null, 2));
}

/** Replaces `el`'s content with the run summary. */
export function drawSummary(el, run) { replace(el, runSummary(run)); el.hidden = !run; }
