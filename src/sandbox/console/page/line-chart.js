import { escapeHtml } from './mrkdwn.js';

/**
 * A small line chart as inline SVG: `series` is [{ name, points: [[epochMs, value], …] }].
 * The y axis starts at zero, so "boards on old servers falling to 0" reads at a glance.
 */

export const SERIES_COLOURS = ['#36c5f0', '#2eb67d', '#ecb22e', '#e01e5a', '#ffffff'];

const PAD = { left: 34, right: 8, top: 8, bottom: 18 };

const timeLabel = (ms) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const valueLabel = (value) => (Number.isInteger(value) ? value.toLocaleString() : value.toFixed(1));

export function lineChartSvg(series, { width = 240, height = 120 } = {}) {
  const open = `<svg class="line-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(series.map((s) => s.name).join(', '))}">`;
  const points = series.flatMap((s) => s.points).filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
  if (points.length === 0) return `${open}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="chart-empty">no data yet</text></svg>`;
  const times = points.map(([t]) => t);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const top = Math.max(...points.map(([, v]) => v), 1);
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const x = (t) => PAD.left + (t1 === t0 ? plotWidth : ((t - t0) / (t1 - t0)) * plotWidth);
  const y = (v) => PAD.top + (1 - v / top) * plotHeight;
  const lines = series.map((s, i) => {
    const coordinates = s.points
      .filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v))
      .sort((a, b) => a[0] - b[0])
      .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ');
    return `<polyline fill="none" stroke="${SERIES_COLOURS[i % SERIES_COLOURS.length]}" stroke-width="2" stroke-linejoin="round" points="${coordinates}"><title>${escapeHtml(s.name)}</title></polyline>`;
  });
  const axes =
    `<line class="chart-axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${height - PAD.bottom}"/>` +
    `<line class="chart-axis" x1="${PAD.left}" y1="${height - PAD.bottom}" x2="${width - PAD.right}" y2="${height - PAD.bottom}"/>` +
    `<text class="chart-label" x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${valueLabel(top)}</text>` +
    `<text class="chart-label" x="${PAD.left - 4}" y="${height - PAD.bottom}" text-anchor="end">0</text>` +
    `<text class="chart-label" x="${PAD.left}" y="${height - 4}">${escapeHtml(timeLabel(t0))}</text>` +
    `<text class="chart-label" x="${width - PAD.right}" y="${height - 4}" text-anchor="end">${escapeHtml(timeLabel(t1))}</text>`;
  return `${open}${axes}${lines.join('')}</svg>`;
}

/** The last value of each series next to its colour. */
export function legendHtml(series) {
  return `<ul class="chart-legend">${series
    .map((s, i) => {
      const last = s.points.reduce((latest, point) => (latest === undefined || point[0] >= latest[0] ? point : latest), undefined);
      const value = last ? valueLabel(last[1]) : '–';
      return `<li><span class="swatch" style="background:${SERIES_COLOURS[i % SERIES_COLOURS.length]}"></span>${escapeHtml(s.name)} <strong>${value}</strong></li>`;
    })
    .join('')}</ul>`;
}
