// A run's or step's status as a badge, and durations in words.
import { h } from '../dom.js';

const LABELS = { running: 'Running', waiting: 'Waiting', completed: 'Completed', failed: 'Failed', timed_out: 'Timed out', cancelled: 'Cancelled' };

/** A badge for a run or step status. */
export function runStatus(status) {
  return h('span', { class: `badge run-${status}` }, LABELS[status] ?? status);
}

/** "850 ms", "12.4 s", "3 min 5 s" between two ISO times (or until now while running). */
export function duration(startIso, endIso) {
  if (!startIso) return '—';
  const ms = Math.max(0, (endIso ? new Date(endIso) : new Date()).getTime() - new Date(startIso).getTime());
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Whether a run has ended. */
export function isFinal(status) { return !['running', 'waiting'].includes(status); }

/** A JSON value as preformatted text (for step input, output and error). */
export function jsonBlock(value, label) {
  return h('pre', { class: 'json', tabindex: '0', 'aria-label': label }, value === undefined ? '' : JSON.stringify(value, null, 2));
}
