// Accept an invitation from its link: choose your name and password; a used or expired link gets a clear page.
import { api, setCsrf } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { loadSession } from '../state.js';
import { alertBox, field, showFieldErrors } from '../components/forms.js';
import { authCard } from './auth-layout.js';

class InvitationPage extends HTMLElement {
  connectedCallback() {
    // Keep the single-use token in memory only: take it out of the address bar and history at once.
    const token = new URLSearchParams(location.search).get('token') ?? '';
    history.replaceState(null, '', '/invitations/accept');
    if (!token) return this.dead('This invitation link is incomplete. Ask whoever invited you for a new one.');
    const fields = [
      field('Your name', { name: 'name', required: true, autocomplete: 'name', maxlength: 200 }),
      field('Choose a password', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' },
        { hint: 'At least 10 characters — or, if this email already has an account, that account\'s password.' }),
    ];
    const alert = alertBox();
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Join the workspace');
    const form = h('form', { novalidate: true, on: { submit: async (event) => {
      event.preventDefault();
      submit.disabled = true; alert.show('');
      try {
        const answer = await api('POST', '/invitations/accept?session=cookie',
          { token, name: fields[0].input.value, password: fields[1].input.value });
        setCsrf(answer.csrfToken);
        await loadSession();
        navigate('/connections', { replace: true });
      } catch (error) {
        if (error.status === 404) return this.dead('This invitation was already used or has expired (they last 7 days). Ask for a new one, or sign in if you already joined.');
        showFieldErrors(fields, error);
        alert.show(Object.keys(error.fields).length ? 'Please check the fields marked below.' : error.message);
      } finally { submit.disabled = false; }
    } } }, alert, fields, h('div', { class: 'actions' }, submit));
    replace(this, authCard('Accept your invitation',
      'Choose your name and a password to join. Already have an account with this email? Enter its password; your name stays as it is.', form));
  }

  dead(message) {
    replace(this, authCard('Invitation not valid', message, h('p', {}, h('a', { href: '/sign-in' }, 'Go to sign-in'))));
  }
}

customElements.define('sp-invitation-page', InvitationPage);
