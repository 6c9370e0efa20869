// Sign in with email and password; the server answers with an HttpOnly session cookie.
import { api, setCsrf } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { loadSession } from '../state.js';
import { alertBox, field } from '../components/forms.js';
import { authCard } from './auth-layout.js';

class SignInPage extends HTMLElement {
  connectedCallback() {
    const email = field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'username' });
    const password = field('Password', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
    const alert = alertBox();
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
    const form = h('form', { on: { submit: async (event) => {
      event.preventDefault();
      submit.disabled = true; alert.show('');
      try {
        const answer = await api('POST', '/auth/login?session=cookie', { email: email.input.value, password: password.input.value });
        setCsrf(answer.csrfToken);
        await loadSession();
        const next = new URLSearchParams(location.search).get('next');
        navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/connections', { replace: true });
      } catch (error) {
        password.input.value = '';
        alert.show(error.code === 'rate_limited' ? 'Too many attempts' : 'Could not sign in', error.message);
      } finally { submit.disabled = false; }
    } } }, alert, email, password, h('div', { class: 'actions' }, submit));
    replace(this, authCard('Sign in', null, form));
    email.input.focus();
  }
}

customElements.define('sp-sign-in-page', SignInPage);
