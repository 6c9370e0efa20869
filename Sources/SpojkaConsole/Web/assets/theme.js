// Light, dark or the system's choice; the choice (not a secret) is remembered in localStorage.
const KEY = 'spojka.theme';

/** The chosen theme: 'system', 'light' or 'dark'. */
export function currentTheme() { return localStorage.getItem(KEY) ?? 'system'; }

/** Applies and remembers a theme. */
export function setTheme(theme) {
  if (theme === 'system') { localStorage.removeItem(KEY); delete document.documentElement.dataset.theme; }
  else { localStorage.setItem(KEY, theme); document.documentElement.dataset.theme = theme; }
}

/** Applies the remembered theme (at start). */
export function applyTheme() { setTheme(currentTheme()); }
