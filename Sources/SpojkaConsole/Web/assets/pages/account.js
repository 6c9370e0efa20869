// Your account: change your password (ends every browser session, this one included).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { signedOut, state } from '../state.js';
import { alertBox, field, pageHeader, showFieldErrors } from '../components/forms.js';

class AccountPage extends HTMLElement {
  connectedCallback() {
    const alert = alertBox();
    const fields = [
      field('Current password', { name: 'currentPassword', type: 'password', required: true, autocomplete: 'current-password' }),
      field('New password', { name: 'newPassword', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' }, { hint: 'At least 10 characters.' }),
    ];
    const button = h('button', { type: 'submit', class: 'primary' }, 'Change password');
    replace(this, h('section', { class: 'page narrow' }, pageHeader('Your account'),
      h('dl', { class: 'facts' }, h('dt', {}, 'Name'), h('dd', {}, state.user.name), h('dt', {}, 'Email'), h('dd', {}, state.user.email)),
      h('form', { novalidate: true, on: { submit: async (e) => {
        e.preventDefault(); button.disabled = true; alert.show('');
        try {
          await api('PUT', '/me/password', Object.fromEntries(fields.map((f) => [f.fieldName, f.input.value])));
          signedOut();
          navigate('/sign-in', { replace: true });
        } catch (error) { showFieldErrors(fields, error); if (!Object.keys(error.fields).length) alert.show(error.message); button.disabled = false; }
      } } }, h('h2', {}, 'Change password'), h('p', { class: 'muted' }, 'Every browser session of yours ends; sign in again with the new password.'),
      alert, fields, h('div', { class: 'actions' }, button))));
  }
}

customElements.define('sp-account-page', AccountPage);
