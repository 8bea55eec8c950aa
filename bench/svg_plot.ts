/**
 * Line plots as hand-written SVG: axes with ticks and labels, an optional log-2 scale (for
 * request sizes), one polyline per series and a legend. No library, no browser.
 *
 * @module
 */

import type { PlotAxis, PlotSpec } from "./result_types.ts";

/** Size of the drawing. */
export interface SvgPlotOptions {
  /** Width in pixels. @default 600 plus room for the legend */
  width?: number;
  /** Height in pixels. @default 440 */
  height?: number;
}

/** Colours that stay apart for the colour-blind (Okabe–Ito), cycled over the series. */
const COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"];

const MARGIN = { left: 78, top: 44, bottom: 58 };

/** Escapes text for an XML attribute or element. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Byte counts as 512, 1K, 64K, 1M, 2G. */
export function formatBytes(n: number): string {
  const units = ["", "K", "M", "G", "T"];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n}${units[i]}`;
}

function formatTick(v: number, axis: PlotAxis): string {
  if (axis.bytes) return formatBytes(v);
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1e6 || abs < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(6)).toString();
}

/** A step of 1, 2 or 5 × 10^k near `rough`. */
function niceStep(rough: number): number {
  const exp = Math.floor(Math.log10(rough));
  const f = rough / 10 ** exp;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * 10 ** exp;
}

interface Scale {
  /** Data value → fraction of the axis length, 0..1. */
  at(v: number): number;
  /** Tick positions in data units. */
  ticks: number[];
}

function logScale(lo: number, hi: number): Scale {
  let a = Math.floor(Math.log2(lo));
  let b = Math.ceil(Math.log2(hi));
  if (a === b) {
    a -= 1;
    b += 1;
  }
  const every = Math.max(1, Math.ceil((b - a) / 12));
  const ticks: number[] = [];
  for (let e = a; e <= b; e += every) ticks.push(2 ** e);
  return { at: (v) => (Math.log2(v) - a) / (b - a), ticks };
}

function linearScale(lo: number, hi: number): Scale {
  // Rates and times start at zero: a truncated axis exaggerates differences.
  if (lo > 0) lo = 0;
  if (hi <= lo) hi = lo + 1;
  const step = niceStep((hi - lo) / 5);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; a + i * step <= b + step / 1e9; i++) {
    ticks.push(Number((a + i * step).toPrecision(12)));
  }
  return { at: (v) => (v - a) / (b - a), ticks };
}

function scaleFor(values: number[], axis: PlotAxis): Scale {
  const usable = values.filter((v) => Number.isFinite(v) && (!axis.log2 || v > 0));
  const lo = usable.length ? Math.min(...usable) : axis.log2 ? 1 : 0;
  const hi = usable.length ? Math.max(...usable) : axis.log2 ? 2 : 1;
  return axis.log2 ? logScale(lo, hi) : linearScale(lo, hi);
}

function drawable(v: number, axis: PlotAxis): boolean {
  return Number.isFinite(v) && (!axis.log2 || v > 0);
}

function num(v: number): string {
  return Number(v.toFixed(2)).toString();
}

/** Renders `spec` as a standalone SVG document. Points a log axis cannot show are left out. */
export function renderSvgPlot(spec: PlotSpec, options: SvgPlotOptions = {}): string {
  // The legend sits right of the plot; about 7 px per character at 12 px sans-serif.
  const longest = Math.max(0, ...spec.series.map((s) => s.name.length));
  const legendW = 56 + 7 * longest;
  const width = options.width ?? 600 + legendW;
  const height = options.height ?? 440;
  const plotW = width - MARGIN.left - legendW;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  if (plotW < 50 || plotH < 50) throw new RangeError(`plot size ${width}×${height} is too small`);
  const points = spec.series.flatMap((s) =>
    s.points.filter(([x, y]) => drawable(x, spec.x) && drawable(y, spec.y))
  );
  const xs = scaleFor(points.map((p) => p[0]), spec.x);
  const ys = scaleFor(points.map((p) => p[1]), spec.y);
  const px = (x: number) => MARGIN.left + xs.at(x) * plotW;
  const py = (y: number) => MARGIN.top + (1 - ys.at(y)) * plotH;
  const bottom = MARGIN.top + plotH;
  const right = MARGIN.left + plotW;

  const out: string[] = [];
  out.push(
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${num(MARGIN.left + plotW / 2)}" y="24" text-anchor="middle" font-size="15" ` +
      `font-weight="bold">${escapeXml(spec.title)}</text>`,
  );

  out.push(`<g class="grid" stroke="#dddddd" stroke-width="1">`);
  for (const t of xs.ticks) {
    out.push(`<line x1="${num(px(t))}" y1="${MARGIN.top}" x2="${num(px(t))}" y2="${bottom}"/>`);
  }
  for (const t of ys.ticks) {
    out.push(`<line x1="${MARGIN.left}" y1="${num(py(t))}" x2="${right}" y2="${num(py(t))}"/>`);
  }
  out.push(`</g>`);

  out.push(`<g class="axes" stroke="#000000" stroke-width="1">`);
  out.push(`<line x1="${MARGIN.left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`);
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}"/>`);
  for (const t of xs.ticks) {
    out.push(`<line x1="${num(px(t))}" y1="${bottom}" x2="${num(px(t))}" y2="${bottom + 5}"/>`);
  }
  for (const t of ys.ticks) {
    out.push(
      `<line x1="${MARGIN.left - 5}" y1="${num(py(t))}" x2="${MARGIN.left}" y2="${num(py(t))}"/>`,
    );
  }
  out.push(`</g>`);

  out.push(`<g class="tick-labels">`);
  for (const t of xs.ticks) {
    out.push(
      `<text x="${num(px(t))}" y="${bottom + 19}" text-anchor="middle">` +
        `${escapeXml(formatTick(t, spec.x))}</text>`,
    );
  }
  for (const t of ys.ticks) {
    out.push(
      `<text x="${MARGIN.left - 8}" y="${num(py(t) + 4)}" text-anchor="end">` +
        `${escapeXml(formatTick(t, spec.y))}</text>`,
    );
  }
  out.push(`</g>`);

  const xLabel = spec.x.label + (spec.x.log2 ? " (log₂ scale)" : "");
  const yLabel = spec.y.label + (spec.y.log2 ? " (log₂ scale)" : "");
  out.push(
    `<text class="x-label" x="${num(MARGIN.left + plotW / 2)}" y="${height - 14}" ` +
      `text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text class="y-label" x="18" y="${num(MARGIN.top + plotH / 2)}" text-anchor="middle" ` +
      `transform="rotate(-90 18 ${num(MARGIN.top + plotH / 2)})">${escapeXml(yLabel)}</text>`,
  );

  spec.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = series.points
      .filter(([x, y]) => drawable(x, spec.x) && drawable(y, spec.y))
      .sort((a, b) => a[0] - b[0]);
    out.push(`<g class="series" data-name="${escapeXml(series.name)}">`);
    if (pts.length > 1) {
      const path = pts.map(([x, y]) => `${num(px(x))},${num(py(y))}`).join(" ");
      out.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${path}"/>`,
      );
    }
    for (const [x, y] of pts) {
      out.push(`<circle cx="${num(px(x))}" cy="${num(py(y))}" r="3" fill="${colour}"/>`);
    }
    out.push(`</g>`);
  });

  out.push(`<g class="legend">`);
  spec.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const y = MARGIN.top + 10 + i * 20;
    const x = right + 16;
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${x + 28}" y="${y + 4}">${escapeXml(series.name)}</text>`,
    );
  });
  out.push(`</g>`, `</svg>`, ``);
  return out.join("\n");
}
