// Members: invite with a role (the link is shown once, with Copy), change roles, remove.
import { api } from '../api.js';
import { copy, h, replace, time } from '../dom.js';
import { atLeast, state, ws } from '../state.js';
import { alertBox, field, pageHeader, showFieldErrors } from '../components/forms.js';

const ROLES = ['viewer', 'member', 'admin', 'owner'];

class MembersPage extends HTMLElement {
  connectedCallback() { this.draw(); }

  async draw(notice) {
    this.alert = alertBox();
    let members;
    try { members = (await api('GET', ws('/members'))).items; } catch (error) { return replace(this, h('p', { class: 'error' }, error.message)); }
    const admin = atLeast('admin');
    replace(this, h('section', { class: 'page' }, pageHeader('Members'), this.alert, notice ?? null,
      admin ? this.inviteForm() : null,
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, `${members.length} member${members.length === 1 ? '' : 's'} of ${state.workspace.name}`),
        h('thead', {}, h('tr', {}, ['Name', 'Email', 'Role', 'Joined', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, members.map((m) => h('tr', {},
          h('th', { scope: 'row', 'data-label': 'Name' }, m.user.name),
          h('td', { 'data-label': 'Email' }, m.user.email),
          h('td', { 'data-label': 'Role' }, admin && m.user.id !== state.user.id
            ? h('select', { 'aria-label': `Role of ${m.user.email}`, on: { change: (e) => this.role(m, e.target.value) } },
              ROLES.map((r) => h('option', { value: r, selected: r === m.role }, r))) : m.role),
          h('td', { 'data-label': 'Joined' }, time(m.joinedAt)),
          h('td', {}, admin || m.user.id === state.user.id
            ? h('button', { type: 'button', class: 'link-button', on: { click: () => this.remove(m) } }, m.user.id === state.user.id ? 'Leave' : 'Remove') : null))))))));
  }

  inviteForm() {
    const email = field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'off' });
    const role = field('Role', { name: 'role' }, { tag: 'select', options: ROLES.map((r) => h('option', { value: r, selected: r === 'member' }, r)) });
    const button = h('button', { type: 'submit', class: 'primary' }, 'Invite');
    return h('form', { class: 'inline-form', on: { submit: async (e) => {
      e.preventDefault(); button.disabled = true;
      try {
        const answer = await api('POST', ws('/members'), { email: email.input.value, role: role.input.value });
        this.draw(answer.invitation ? oneTime('Invitation link (shown once — send it to them; valid 7 days)', answer.invitation.url)
          : h('p', { class: 'note', role: 'status' }, `${answer.member.user.email} was added.`));
      } catch (error) { showFieldErrors([email, role], error); if (!Object.keys(error.fields).length) this.alert.show(error.message); button.disabled = false; }
    } } }, h('h2', {}, 'Invite someone'), email, role, h('div', { class: 'actions' }, button));
  }

  async role(member, role) {
    try { await api('PATCH', ws(`/members/${member.user.id}`), { role }); this.draw(h('p', { class: 'note', role: 'status' }, `${member.user.email} is now ${role}.`)); }
    catch (error) { this.alert.show('The role was not changed.', error.message); }
  }

  async remove(member) {
    const dialog = document.createElement('sp-dialog-box');
    const error = h('p', { class: 'error', role: 'alert' });
    dialog.open(`Remove ${member.user.email}?`, [h('p', {}, 'They lose access to this workspace at once and their browser sessions end. OAuth connections they authorised keep working but are flagged for an admin to reconnect.'), error],
      'Remove', async () => {
        try {
          const answer = await api('DELETE', ws(`/members/${member.user.id}`));
          const flagged = answer?.flaggedConnections ?? [];
          this.draw(flagged.length ? h('div', { class: 'note', role: 'status' }, 'Reconnect these OAuth connections they authorised: ',
            h('ul', {}, flagged.map((id) => h('li', {}, h('a', { href: `/connections/${id}` }, id))))) : null);
          return true;
        } catch (e) { error.textContent = e.message; return false; }
      }, { danger: true });
  }
}

/** A secret shown once, with a Copy button. */
export function oneTime(label, secret) {
  const input = h('input', { type: 'text', readonly: true, value: secret, 'aria-label': label, class: 'one-time', spellcheck: 'false' });
  const status = h('span', { role: 'status', class: 'muted' });
  return h('div', { class: 'note' }, h('p', {}, h('strong', {}, label)), h('div', { class: 'copy-row' }, input,
    h('button', { type: 'button', on: { click: async () => { status.textContent = (await copy(secret)) ? 'Copied.' : 'Select and copy it by hand.'; input.select(); } } }, 'Copy'), status));
}

customElements.define('sp-members-page', MembersPage);
