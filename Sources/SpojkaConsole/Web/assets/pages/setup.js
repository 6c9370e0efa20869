// First start: create yourself, your workspace and a password; signs you in with a browser session.
import { api, setCsrf } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { loadSession } from '../state.js';
import { alertBox, field, showFieldErrors } from '../components/forms.js';
import { authCard } from './auth-layout.js';

class SetupPage extends HTMLElement {
  async connectedCallback() {
    const { required } = await api('GET', '/setup');
    if (!required) return navigate('/sign-in', { replace: true });
    const fields = [
      field('Your name', { name: 'name', required: true, autocomplete: 'name', maxlength: 200 }),
      field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'email' }),
      field('Workspace name', { name: 'workspace', required: true, maxlength: 200 }, { hint: 'Usually your team or company, e.g. "Acme".' }),
      field('Password', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' },
        { hint: 'At least 10 characters.' }),
    ];
    const alert = alertBox();
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Create workspace');
    const form = h('form', { novalidate: true, on: { submit: async (event) => {
      event.preventDefault();
      const body = Object.fromEntries(fields.map((f) => [f.fieldName, f.input.value]));
      submit.disabled = true; alert.show('');
      try {
        const answer = await api('POST', '/setup?session=cookie', body);
        setCsrf(answer.csrfToken);
        await loadSession();
        navigate('/connections', { replace: true });
      } catch (error) {
        const rest = showFieldErrors(fields, error);
        alert.show(Object.keys(error.fields).length ? 'Please check the fields marked below.' : error.message,
          Object.entries(rest).map(([k, v]) => `${k} ${v}`).join('; '));
      } finally { submit.disabled = false; }
    } } }, alert, fields, h('div', { class: 'actions' }, submit));
    replace(this, authCard('Set up Spojka', 'This instance is new. Create the first user — you — and your workspace.', form));
    fields[0].input.focus();
  }
}

customElements.define('sp-setup-page', SetupPage);
