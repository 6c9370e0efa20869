// Workflows, Executions and Approvals arrive with part 2 of the console; until then the page points to the API.
import { h, replace } from '../dom.js';
import { pageHeader } from '../components/forms.js';

const TEXT = {
  '/workflows': ['Workflows', 'The workflow designer comes with the next part of the console. Until then, create and run workflows through the API (docs/workflows.md).'],
  '/executions': ['Executions', 'Run history comes with the next part of the console. GET /api/v1/workspaces/{ws}/runs lists runs now.'],
  '/approvals': ['Approvals', 'Approving waiting steps comes with the next part of the console. POST …/runs/{runId}/approvals/{nodeId} works now.'],
};

class PlaceholderPage extends HTMLElement {
  connectedCallback() {
    const [title, text] = TEXT[this.route] ?? ['Coming soon', ''];
    replace(this, h('section', { class: 'page' }, pageHeader(title), h('p', { class: 'empty' }, text)));
  }
}

customElements.define('sp-placeholder-page', PlaceholderPage);
