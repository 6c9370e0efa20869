// A connector's icon (served by the API, same origin).
import { h } from '../dom.js';

/** An <img> of the connector's icon; decorative unless `label` is given. */
export function connectorIcon(key, { size = 24, label = '' } = {}) {
  return h('img', { class: 'connector-icon', src: `/api/v1/connectors/${encodeURIComponent(key)}/icon`, alt: label, width: size, height: size, loading: 'lazy' });
}
