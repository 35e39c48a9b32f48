import { escapeXml, SERIES_COLOURS } from './svg-png.js';

/** One line of a curve plot. */
export interface CurveSeries {
  name: string;
  /** x values in [0, 1]. */
  x: readonly number[];
  y: readonly number[];
}

/** One panel: a title, axis labels and its lines. */
export interface CurvePanel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly CurveSeries[];
}

const [PANEL_WIDTH, PANEL_HEIGHT, MARGIN_LEFT, MARGIN_TOP, MARGIN_BOTTOM, LEGEND_WIDTH] = [360, 260, 52, 34, 44, 170];

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const step = (hi - lo) / (count - 1);
  return Array.from({ length: count }, (_, k) => lo + k * step);
}

/**
 * An SVG with the panels side by side (same methods, same colours) and one
 * legend: the deletion and insertion curves of every method on one picture.
 * The y range is shared by all panels: [min(0, ys), max(ys)].
 */
export function curvePlotSvg(panels: readonly CurvePanel[]): string {
  const ys = panels.flatMap((p) => p.series.flatMap((s) => s.y)).filter(Number.isFinite);
  const yLo = Math.min(0, ...ys);
  const yHi = Math.max(yLo + 1e-6, ...ys);
  const width = panels.length * (PANEL_WIDTH + MARGIN_LEFT) + LEGEND_WIDTH;
  const height = PANEL_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`, `<rect width="${width}" height="${height}" fill="white"/>`];
  panels.forEach((panel, k) => {
    const left = k * (PANEL_WIDTH + MARGIN_LEFT) + MARGIN_LEFT;
    const sx = (x: number) => left + x * PANEL_WIDTH;
    const sy = (y: number) => MARGIN_TOP + PANEL_HEIGHT - ((y - yLo) / (yHi - yLo)) * PANEL_HEIGHT;
    parts.push(`<text x="${left + PANEL_WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`);
    parts.push(`<rect x="${left}" y="${MARGIN_TOP}" width="${PANEL_WIDTH}" height="${PANEL_HEIGHT}" fill="none" stroke="#444"/>`);
    for (const t of ticks(0, 1)) {
      parts.push(`<line x1="${sx(t)}" y1="${MARGIN_TOP + PANEL_HEIGHT}" x2="${sx(t)}" y2="${MARGIN_TOP + PANEL_HEIGHT + 4}" stroke="#444"/>`);
      parts.push(`<text x="${sx(t)}" y="${MARGIN_TOP + PANEL_HEIGHT + 16}" text-anchor="middle">${t.toFixed(2)}</text>`);
    }
    for (const t of ticks(yLo, yHi)) {
      parts.push(`<line x1="${left - 4}" y1="${sy(t)}" x2="${left}" y2="${sy(t)}" stroke="#444"/><line x1="${left}" y1="${sy(t)}" x2="${left + PANEL_WIDTH}" y2="${sy(t)}" stroke="#eee"/>`);
      parts.push(`<text x="${left - 6}" y="${sy(t) + 4}" text-anchor="end">${t.toFixed(2)}</text>`);
    }
    parts.push(`<text x="${left + PANEL_WIDTH / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(panel.xLabel)}</text>`);
    parts.push(`<text transform="translate(12 ${MARGIN_TOP + PANEL_HEIGHT / 2}) rotate(-90)" text-anchor="middle">${escapeXml(panel.yLabel)}</text>`);
    panel.series.forEach((series, s) => {
      const points = series.x.map((x, i) => `${sx(x).toFixed(1)},${sy(series.y[i]!).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${points}" fill="none" stroke="${SERIES_COLOURS[s % SERIES_COLOURS.length]}" stroke-width="2"/>`);
    });
  });
  const legendLeft = panels.length * (PANEL_WIDTH + MARGIN_LEFT) + 16;
  (panels[0]?.series ?? []).forEach((series, s) => {
    const y = MARGIN_TOP + 10 + s * 18;
    parts.push(`<line x1="${legendLeft}" y1="${y}" x2="${legendLeft + 20}" y2="${y}" stroke="${SERIES_COLOURS[s % SERIES_COLOURS.length]}" stroke-width="3"/>`);
    parts.push(`<text x="${legendLeft + 26}" y="${y + 4}">${escapeXml(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
