/**
 * The charts of runs, sweeps, the LR finder and the demos: one panel of lines, each series with its
 * own look (a faint raw curve under its smoothed trend, dashed references, points for sparse
 * evaluations), log axes where the data spans decades, and labelled vertical markers. A Vega-Lite
 * spec, rendered by lineChart.ts's renderSvg; every line series is one SVG path, so a test can count
 * the curves.
 */
import { ArgumentError } from '../errors.js';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg, type Series } from './lineChart.js';

/** How a series is drawn; colours default to a fixed palette in series order. */
export interface SeriesStyle {
  color?: string;
  /** Stroke opacity (default 1). */
  opacity?: number;
  /** Stroke width in pixels (default 1.8). */
  width?: number;
  /** Dash pattern, e.g. [6, 4] (default solid). */
  dash?: number[];
  /** Draw a point at every value (sparse series such as evaluations). */
  points?: boolean;
  /** Draw the line (default true; false with points gives a scatter). */
  line?: boolean;
}

export interface ChartSeries extends Series {
  style?: SeriesStyle;
}

/** A labelled vertical rule at x (with a point at y when given): a suggested learning rate, a phase change. */
export interface ChartMarker {
  x: number;
  y?: number;
  label: string;
  color?: string;
}

export interface ChartOptions {
  series: readonly ChartSeries[];
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  /** A log x axis (learning rates). */
  logX?: boolean;
  /** true, false, or 'auto' (the default): log where the positive values span two decades or more. */
  logY?: boolean | 'auto';
  xDomain?: [number, number];
  /** A fixed y range; values outside it are clipped at the edge of the plot. */
  yDomain?: [number, number];
  markers?: readonly ChartMarker[];
  width?: number;
  height?: number;
  /** Where the legend goes (default right; bottom for long labels). */
  legend?: 'right' | 'bottom' | 'none';
}

/** Tableau's 10 colours, then 10 lighter ones: distinct in order and readable on white. */
export const palette = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#79706e',
  '#a0cbe8', '#ffbe7d', '#ff9d9a', '#86bcb6', '#8cd17d', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#bab0ac',
];

/** Whether positive values span at least `decades` powers of ten (then a log axis shows them better). */
export function spansDecades(values: Iterable<number>, decades = 2): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > 0 && lo > 0 && hi / lo >= 10 ** decades;
}

interface Row {
  series: string;
  x: number;
  y: number;
}

/** The Vega-Lite spec of a chart (exposed so tests and callers can inspect or adjust it). */
export function chartSpec(options: ChartOptions): TopLevelSpec {
  if (options.series.length === 0) throw new ArgumentError('a chart needs at least one series');
  const names = options.series.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new ArgumentError(`series names must differ: ${names.join(', ')}`);
  const logY = options.logY === true || ((options.logY ?? 'auto') === 'auto' && spansDecades(options.yDomain ?? options.series.flatMap((s) => s.y)));
  const rows: Row[] = [];
  for (const s of options.series) {
    if (s.x.length !== s.y.length) throw new ArgumentError(`series "${s.name}" has ${s.x.length} x values and ${s.y.length} y values`);
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      // diverged (non-finite) values, and what a log axis cannot show, are left out
      if (!Number.isFinite(x) || !Number.isFinite(y) || (logY && y <= 0) || (options.logX && x <= 0)) continue;
      rows.push({ series: s.name, x, y });
    }
  }
  const style = (s: ChartSeries) => s.style ?? {};
  const colors = options.series.map((s, i) => style(s).color ?? palette[i % palette.length]!);
  const lines = options.series.filter((s) => style(s).line !== false);
  const points = options.series.filter((s) => style(s).points === true);
  const legend = options.legend ?? 'right';
  const x = {
    field: 'x', type: 'quantitative', title: options.xLabel,
    scale: { ...(options.logX ? { type: 'log' } : {}), ...(options.xDomain ? { domain: options.xDomain } : { nice: false }) },
    // about one tick per 80 pixels: Vega's default count puts ticks so close that it hides every
    // other label, and on steps 1..800 the ones left read 50, 150, ... instead of round hundreds
    axis: { ...(options.logX ? { format: '~e' } : { tickCount: Math.max(2, Math.round((options.width ?? 560) / 80)) }), labelFlush: true },
  };
  const y = {
    field: 'y', type: 'quantitative', title: options.yLabel,
    scale: { ...(logY ? { type: 'log' } : { zero: false }), ...(options.yDomain ? { domain: options.yDomain } : {}) },
    // d3's default labels read well on a linear axis; a log axis needs '~g' to avoid 1e-3-style clutter
    axis: logY ? { format: '~g' } : {},
  };
  const color = {
    field: 'series', type: 'nominal', title: null,
    scale: { domain: names, range: colors },
    legend: legend === 'none' ? null : { orient: legend, labelLimit: 0, symbolType: 'stroke', ...(legend === 'bottom' ? { columns: 2 } : {}) },
  };
  const byName = (f: (s: ChartSeries) => unknown) => ({ domain: lines.map((s) => s.name), range: lines.map(f) });
  const layer: Record<string, unknown>[] = [];
  if (lines.length > 0) {
    layer.push({
      transform: [{ filter: { field: 'series', oneOf: lines.map((s) => s.name) } }],
      mark: { type: 'line', interpolate: 'linear', clip: true },
      encoding: {
        x, y, color,
        opacity: { field: 'series', type: 'nominal', sort: lines.map((s) => s.name), scale: byName((s) => style(s).opacity ?? 1), legend: null },
        strokeWidth: { field: 'series', type: 'nominal', sort: lines.map((s) => s.name), scale: byName((s) => style(s).width ?? 1.8), legend: null },
        strokeDash: { field: 'series', type: 'nominal', sort: lines.map((s) => s.name), scale: byName((s) => style(s).dash ?? [1, 0]), legend: null },
      },
    });
  }
  if (points.length > 0) {
    layer.push({
      transform: [
        { filter: { field: 'series', oneOf: points.map((s) => s.name) } },
        // resvg (2.6) aborts the process on a symbol clipped away entirely: points outside a fixed range are not drawn at all
        ...(options.yDomain ? [{ filter: { field: 'y', range: options.yDomain } }] : []),
        ...(options.xDomain ? [{ filter: { field: 'x', range: options.xDomain } }] : []),
      ],
      mark: { type: 'point', filled: true, size: 36, clip: true },
      encoding: { x, y, color: { ...color, legend: lines.length > 0 ? null : color.legend } },
    });
  }
  const markers = options.markers ?? [];
  if (markers.length > 0) {
    const values = markers.map((m) => ({ x: m.x, y: m.y ?? null, label: m.label, color: m.color ?? '#333' }));
    layer.push({
      data: { values },
      mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.4 },
      encoding: { x: { field: 'x', type: 'quantitative' }, color: { field: 'color', type: 'nominal', scale: null, legend: null } },
    });
    // one text layer per marker, each a line lower, so labels of close markers do not overlap
    values.forEach((v, i) => {
      layer.push({
        data: { values: [v] },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4 + 14 * i, fontSize: 11, fontWeight: 'bold' },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { value: 0 },
          text: { field: 'label' },
          color: { field: 'color', type: 'nominal', scale: null, legend: null },
        },
      });
    });
    if (markers.some((m) => m.y !== undefined)) {
      layer.push({
        data: { values: values.filter((v) => v.y !== null) },
        mark: { type: 'point', shape: 'diamond', filled: true, size: 90 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'color', type: 'nominal', scale: null, legend: null } },
      });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}), anchor: 'start', fontSize: 14 },
    width: options.width ?? 560,
    height: options.height ?? 300,
    background: 'white',
    padding: 8,
    data: { values: rows },
    layer,
    // the markers bring their own data and x positions: the scales stay shared
    resolve: { scale: { x: 'shared', y: 'shared' } },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } },
  } as unknown as TopLevelSpec;
}

/** A chart as an SVG string. */
export async function chartSvg(options: ChartOptions): Promise<string> {
  return renderSvg(chartSpec(options));
}
