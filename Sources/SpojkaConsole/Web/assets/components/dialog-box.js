// A modal dialog on <dialog>: a title, content, a confirm button (async; returns true to close) and Cancel.
import { h, replace } from '../dom.js';

class DialogBox extends HTMLElement {
  /** Opens the dialog; `onConfirm` resolves to whether to close. */
  open(title, content, confirmLabel, onConfirm, { danger = false } = {}) {
    const titleId = 'dialog-title-' + Math.random().toString(36).slice(2);
    const confirm = h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, confirmLabel);
    const dialog = h('dialog', { 'aria-labelledby': titleId },
      h('form', { method: 'dialog', on: { submit: async (event) => {
        event.preventDefault();
        confirm.disabled = true;
        try { if (await onConfirm()) this.close(); } finally { confirm.disabled = false; }
      } } },
      h('h2', { id: titleId }, title), h('div', { class: 'dialog-body' }, content),
      h('div', { class: 'actions' }, h('button', { type: 'button', on: { click: () => this.close() } }, 'Cancel'), confirm)));
    dialog.addEventListener('close', () => this.remove());
    replace(this, dialog);
    document.body.append(this);
    dialog.showModal();
    this.confirmButton = confirm;
    return dialog;
  }

  close() { this.querySelector('dialog')?.close(); this.remove(); }
}

customElements.define('sp-dialog-box', DialogBox);
