// The designer's version history: every saved version (who, when); Restore puts one on the canvas as an undoable
// edit — it becomes a new version only when the user saves.
import { api } from '../api.js';
import { h, replace, time } from '../dom.js';
import { ws } from '../state.js';

/** Draws the history of `workflow` into `el`; `onRestore(definition, version)` puts a version on the canvas. */
export async function drawHistory(el, workflow, members, onRestore) {
  if (!workflow) return replace(el, h('h2', {}, 'History'), h('p', { class: 'muted' }, 'Saved versions appear here after the first save.'));
  replace(el, h('h2', {}, 'History'), h('p', { class: 'muted' }, 'Loading…'));
  let page;
  try { page = await api('GET', ws(`/workflows/${workflow.id}/versions`)); } catch (e) {
    return replace(el, h('h2', {}, 'History'), h('p', { class: 'error', role: 'alert' }, e.message));
  }
  const who = (id) => members.find((m) => m.id === id)?.name ?? id;
  const status = h('p', { role: 'status', class: 'form-status' });
  replace(el, h('h2', {}, 'History'), status, h('ol', { class: 'dz-versions', reversed: true }, [...page.items].reverse().map((v) => h('li', {},
    h('strong', {}, `Version ${v.version}`), v.version === workflow.version ? h('span', { class: 'muted' }, ' (current)') : null,
    h('br'), who(v.savedBy), ' · ', time(v.savedAt), ' ',
    h('button', { type: 'button', class: 'link-button', 'aria-label': `Restore version ${v.version} onto the canvas`, on: { click: async () => {
      try {
        const found = await api('GET', ws(`/workflows/${workflow.id}/versions/${v.version}`));
        onRestore(found.definition, v.version);
        status.textContent = `Version ${v.version} is on the canvas. Save to make it the newest version.`;
      } catch (e) { status.textContent = e.message; }
    } } }, 'Restore onto canvas')))));
}
