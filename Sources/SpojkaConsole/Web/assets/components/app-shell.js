// The frame around every signed-in page: sidebar, workspace switcher, theme, sign-out; phone width folds the sidebar.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { chooseWorkspace, loadWorkspaces, signedOut, state } from '../state.js';
import { currentTheme, setTheme } from '../theme.js';
import './dialog-box.js';

const NAV = [
  ['Workflows', '/workflows'], ['Executions', '/executions'], ['Connections', '/connections'],
  ['Connectors', '/connectors'], ['Approvals', '/approvals'],
];
const SETTINGS = [['Members', '/settings/members'], ['API tokens', '/settings/tokens'], ['OAuth apps', '/settings/oauth-apps'],
  ['Audit log', '/settings/audit'], ['Your account', '/settings/account']];

class AppShell extends HTMLElement {
  connectedCallback() {
    if (this.main) return;
    this.main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
    this.nav = h('nav', { class: 'sidebar', 'aria-label': 'Main' });
    this.menuButton = h('button', { class: 'menu-button', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'sidebar',
      on: { click: () => this.toggleMenu() } }, 'Menu');
    this.nav.id = 'sidebar';
    replace(this,
      h('a', { class: 'skip-link', href: '#main', on: { click: (e) => { e.preventDefault(); this.main.focus(); } } }, 'Skip to content'),
      h('header', { class: 'topbar' },
        this.menuButton,
        h('a', { class: 'brand', href: '/connections' }, h('img', { src: '/assets/icons/logo.svg', alt: '', width: 24, height: 24 }), 'Spojka'),
        this.workspaceSwitcher(), h('span', { class: 'spacer' }), this.themePicker(), this.userMenu()),
      h('div', { class: 'layout' }, this.nav, this.main));
  }

  workspaceSwitcher() {
    const select = h('select', { id: 'workspace-switcher', 'aria-label': 'Workspace', on: { change: () => this.onWorkspace(select) } },
      state.workspaces.map((w) => h('option', { value: w.id, selected: w.id === state.workspace?.id }, w.name)),
      h('option', { value: '__create' }, '+ Create workspace…'));
    return h('div', { class: 'workspace' }, select);
  }

  async onWorkspace(select) {
    if (select.value !== '__create') { chooseWorkspace(select.value); return this.rebuild(); }
    select.value = state.workspace.id;
    const dialog = document.createElement('sp-dialog-box');
    const name = h('input', { id: 'new-workspace-name', required: true, maxlength: 200, autocomplete: 'off' });
    const error = h('p', { class: 'error', role: 'alert' });
    dialog.open('Create workspace', [h('label', { for: 'new-workspace-name' }, 'Name'), name, error], 'Create', async () => {
      try {
        const created = await api('POST', '/workspaces', { name: name.value });
        await loadWorkspaces(); chooseWorkspace(created.id); this.rebuild();
        return true;
      } catch (e) { error.textContent = e.fields.name ? `Name ${e.fields.name}` : e.message; return false; }
    });
  }

  rebuild() {
    const path = location.pathname;
    this.main = null; this.replaceChildren(); this.connectedCallback();
    navigate(path.startsWith('/connections/') ? '/connections' : path + location.search, { replace: true });
  }

  themePicker() {
    const select = h('select', { id: 'theme', 'aria-label': 'Theme', on: { change: () => setTheme(select.value) } },
      [['system', 'System'], ['light', 'Light'], ['dark', 'Dark']].map(([v, label]) => h('option', { value: v, selected: v === currentTheme() }, label)));
    return select;
  }

  userMenu() {
    return h('div', { class: 'user' },
      h('a', { href: '/settings/account', class: 'user-name', title: state.user?.email }, state.user?.name ?? ''),
      h('button', { type: 'button', class: 'link-button', on: { click: () => this.signOut() } }, 'Sign out'));
  }

  async signOut() {
    try { await api('DELETE', '/session'); } catch { /* the session may already have ended */ }
    signedOut();
    navigate('/sign-in', { replace: true });
  }

  toggleMenu(force) {
    const open = force ?? !this.classList.contains('menu-open');
    this.classList.toggle('menu-open', open);
    this.menuButton.setAttribute('aria-expanded', String(open));
  }

  drawNav(path) {
    const link = ([label, href]) => h('li', {}, h('a', { href, 'aria-current': path === href || path.startsWith(href + '/') ? 'page' : false }, label));
    replace(this.nav, h('ul', {}, NAV.map(link)),
      h('p', { class: 'nav-heading', id: 'settings-heading' }, 'Settings'),
      h('ul', { 'aria-labelledby': 'settings-heading' }, SETTINGS.map(link)));
  }

  /** Shows a page element in the main area. */
  show(element, path) {
    this.drawNav(path);
    this.toggleMenu(false);
    replace(this.main, element);
    const heading = this.main.querySelector('h1');
    document.title = (heading?.textContent ? heading.textContent + ' · ' : '') + 'Spojka';
  }
}

customElements.define('sp-app-shell', AppShell);
