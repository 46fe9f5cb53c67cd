import { legendHtml, lineChartSvg } from './line-chart.js';
import { escapeHtml } from './mrkdwn.js';

/**
 * The sandbox's own boxes in the sidebar: panels of key/value pairs and small line charts, each
 * polling a JSON endpoint. A failed poll says so in the box and is tried again.
 */

const DEFAULT_INTERVAL_MS = 2000;

function valueText(value) {
  if (typeof value === 'number') return value.toLocaleString();
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === null || value === undefined) return '–';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function panelHtml(data) {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return '<p class="extra-error">expected a JSON object</p>';
  const rows = Object.entries(data).map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(valueText(value))}</dd>`);
  return `<dl class="key-values">${rows.join('')}</dl>`;
}

export function chartHtml(data) {
  const series = Array.isArray(data?.series) ? data.series.filter((s) => Array.isArray(s?.points)) : [];
  return lineChartSvg(series) + legendHtml(series);
}

function pollingBox(container, { id, title, fetchUrl, intervalMs = DEFAULT_INTERVAL_MS }, render) {
  const box = document.createElement('section');
  box.className = 'extra-box';
  box.id = `extra-${id}`;
  box.innerHTML = `<h3>${escapeHtml(title)}</h3><div class="extra-content">loading…</div>`;
  container.append(box);
  const content = box.querySelector('.extra-content');
  const tick = async () => {
    try {
      const response = await fetch(fetchUrl, { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      content.innerHTML = render(await response.json());
      box.classList.remove('extra-failed');
    } catch (error) {
      box.classList.add('extra-failed');
      content.textContent = `unavailable (${error.message}), retrying`;
    }
    setTimeout(tick, intervalMs);
  };
  tick();
}

export function mountExtras(container, { panels, charts }) {
  for (const panel of panels) pollingBox(container, panel, panelHtml);
  for (const chart of charts) pollingBox(container, chart, chartHtml);
}
