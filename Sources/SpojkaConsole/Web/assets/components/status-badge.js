// A connection's status: Active / Reauthorize / Error, with the reason on hover and as text.
import { h, replace } from '../dom.js';

const LABELS = { active: 'Active', reauthorize: 'Reauthorize', error: 'Error' };

class StatusBadge extends HTMLElement {
  static get observedAttributes() { return ['status', 'reason']; }
  attributeChangedCallback() { this.draw(); }
  connectedCallback() { this.draw(); }

  draw() {
    const status = this.getAttribute('status') ?? '';
    const reason = this.getAttribute('reason');
    replace(this, h('span', { class: `badge badge-${status}`, title: reason || false }, LABELS[status] ?? status),
      reason && this.hasAttribute('with-reason') ? h('span', { class: 'reason' }, reason) : null);
  }
}

customElements.define('sp-status-badge', StatusBadge);

/** A badge element for `connection`. */
export function statusBadge(connection, withReason = true) {
  return h('sp-status-badge', { status: connection.status, reason: connection.statusReason ?? false, 'with-reason': withReason });
}
