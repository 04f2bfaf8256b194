/**
 * Line charts as SVG: a Vega-Lite spec compiled by vega-lite and rendered headless by vega (no canvas,
 * no browser). One panel with a line per series, or small multiples with a panel per series.
 */
import { ArgumentError } from '../errors.js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One named line: y[i] at x[i]. */
export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
}

export interface LineChartOptions {
  series: readonly Series[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Log-scale y axis (loss curves); points with y <= 0 cannot be drawn on it and are left out. */
  logY?: boolean;
  /** Size of the plot area (of each panel for small multiples), in pixels. */
  width?: number;
  height?: number;
  /** Small multiples: one panel per series, this many panels a row. Default: every series in one panel. */
  columns?: number;
  /** With columns: give each panel its own y scale (default shared). */
  independentY?: boolean;
}

interface Row {
  series: string;
  x: number;
  y: number;
}

function rows(options: LineChartOptions): Row[] {
  const out: Row[] = [];
  for (const s of options.series) {
    if (s.x.length !== s.y.length) throw new ArgumentError(`series "${s.name}" has ${s.x.length} x values and ${s.y.length} y values`);
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      // NaN or infinite values (a diverged loss) and, on a log axis, y <= 0 have no place on the chart
      if (!Number.isFinite(x) || !Number.isFinite(y) || (options.logY && y <= 0)) continue;
      out.push({ series: s.name, x, y });
    }
  }
  return out;
}

/** The Vega-Lite spec of a line chart (exposed so callers can adjust it before rendering). */
export function lineChartSpec(options: LineChartOptions): TopLevelSpec {
  if (options.series.length === 0) throw new ArgumentError('a line chart needs at least one series');
  const names = options.series.map((s) => s.name);
  const width = options.width ?? (options.columns ? 220 : 560);
  const height = options.height ?? (options.columns ? 140 : 320);
  const encoding = {
    x: { field: 'x', type: 'quantitative', title: options.xLabel ?? 'x' },
    y: {
      field: 'y',
      type: 'quantitative',
      title: options.yLabel ?? 'y',
      axis: { format: '~g' },
      ...(options.logY ? { scale: { type: 'log' } } : {}),
    },
    color: {
      field: 'series',
      type: 'nominal',
      sort: names,
      title: null,
      ...(options.columns || names.length === 1 ? { legend: null } : {}),
    },
  } as const;
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values: rows(options) },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } },
    background: 'white',
  };
  const mark = { type: 'line', strokeWidth: 1.6, interpolate: 'linear' } as const;
  if (!options.columns) return { ...common, width, height, mark, encoding } as TopLevelSpec;
  return {
    ...common,
    facet: { field: 'series', type: 'nominal', sort: names, title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    columns: options.columns,
    spec: { width, height, mark, encoding },
    resolve: { scale: { y: options.independentY ? 'independent' : 'shared' } },
  } as TopLevelSpec;
}

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // vega-lite's warnings (legend merges and the like) are about the spec, not the user's data: keep stderr for errors
  const view = new vega.View(vega.parse(compile(spec, { logger: vega.logger(vega.Error) }).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A line chart of several named series as an SVG string. */
export async function lineChart(options: LineChartOptions): Promise<string> {
  return renderSvg(lineChartSpec(options));
}
