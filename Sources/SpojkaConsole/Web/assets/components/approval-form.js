// The decision form of a waiting human step: a comment, Approve and Reject. Used by the Approvals inbox and a run's page.
import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { RANK, ws } from '../state.js';

/** A form deciding `nodeId` of `runId`; `onDecided(run, decision)` runs after the API accepted it. */
export function approvalForm(runId, nodeId, onDecided) {
  const id = uid('comment');
  const comment = h('textarea', { id, name: 'comment', rows: 2, maxlength: 2000 });
  const error = h('p', { class: 'error', role: 'alert' });
  const buttons = [];
  const decide = async (decision) => {
    buttons.forEach((b) => { b.disabled = true; });
    error.textContent = '';
    try {
      const body = { decision };
      if (comment.value.trim()) body.comment = comment.value.trim();
      const run = await api('POST', ws(`/runs/${encodeURIComponent(runId)}/approvals/${encodeURIComponent(nodeId)}`), body);
      onDecided(run, decision);
    } catch (e) {
      error.textContent = e.message;
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  buttons.push(h('button', { type: 'button', class: 'primary', on: { click: () => decide('approve') } }, 'Approve'),
    h('button', { type: 'button', class: 'danger', on: { click: () => decide('reject') } }, 'Reject'));
  return h('form', { class: 'approval-form', on: { submit: (e) => e.preventDefault() } },
    h('div', { class: 'field' }, h('label', { for: id }, 'Comment'), comment,
      h('p', { class: 'hint' }, 'Optional. Recorded with the decision; a rejection fails the run with it.')),
    h('div', { class: 'actions' }, buttons), error);
}

/** Whether the signed-in user may decide a waiting step (the server decides; this only hides the form). */
export function mayDecide(step, user, role) {
  const users = step.input?.approvers?.users ?? [];
  const roles = step.input?.approvers?.roles ?? [];
  if (users.length === 0 && roles.length === 0) return RANK[role] >= RANK.member;
  return users.includes(user) || roles.some((r) => RANK[role] >= RANK[r]);
}
