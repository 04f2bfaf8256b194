/**
 * The HTML report of one or several runs: a single self-contained page, so it can be mailed,
 * archived or opened offline. Charts are SVG images embedded as data URIs (each its own document,
 * so the ids inside vega's SVGs cannot clash), the CSS is inline, and there are no scripts, fonts
 * or links to load: nothing comes from the network.
 */
import { bestEval, finalEval, type EvalRecordLine, type RunData } from './runData.js';
import { runLabels, type Chart } from './runCharts.js';

export interface ReportSection {
  title: string;
  /** HTML of the section's body (escape text with escapeHtml). */
  html: string;
}

export interface ReportOptions {
  title: string;
  /** A paragraph under the title (plain text). */
  intro?: string;
  charts: readonly Chart[];
  runs: readonly RunData[];
  /** Legend names of the runs (default: their directory names). */
  labels?: readonly string[];
  /** Extra sections placed before the charts (a demo's summary table). */
  sections?: readonly ReportSection[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An SVG as an <img> source that needs no file and no network. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

const CSS = `
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1240px; padding: 0 16px; color: #222; background: #fff; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; } h3 { font-size: 16px; }
p.intro { color: #444; max-width: 900px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid #e4e4e4; border-radius: 4px; padding: 8px; background: #fff; }
figure img { width: 100%; height: auto; display: block; }
figure.wide { grid-column: 1 / -1; } figure.wide img { max-width: 1100px; }
figcaption { font-size: 12px; color: #666; margin-top: 4px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.ok { color: #2a7d2a; } td.bad { color: #b22; }
pre { background: #f7f7f7; border: 1px solid #e4e4e4; padding: 8px; font-size: 12px; overflow-x: auto; }
details summary { cursor: pointer; color: #335; margin: 6px 0; }
.warn { color: #a60; }
`;

const num = (x: number | undefined, digits = 4) => (x === undefined || x === null ? '' : Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x));
const pct = (x: number | undefined) => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '');

function evalCells(e: EvalRecordLine | null): string {
  if (!e) return '<td></td><td></td><td></td><td></td>';
  return `<td class="num">${num(e.loss)}</td><td class="num">${num(e.perplexity)}</td><td class="num">${pct(e.tokenAccuracy)}</td><td class="num">${pct(e.exactMatch)}</td>`;
}

function runsTable(runs: readonly RunData[], labels: readonly string[]): string {
  const rows = runs.map((r, i) => {
    const fin = finalEval(r);
    const best = bestEval(r);
    const seconds = r.end?.elapsedSeconds;
    return `<tr><td>${escapeHtml(labels[i]!)}</td><td class="num">${r.end?.step ?? r.steps[r.steps.length - 1]?.step ?? 0}</td><td>${escapeHtml(r.end?.stopReason ?? 'not finished')}</td>` +
      `${evalCells(fin)}<td class="num">${best ? `${num(best.loss)} (step ${best.step})` : ''}</td>${evalCells(r.test)}<td class="num">${seconds !== undefined ? seconds.toFixed(1) : ''}</td></tr>`;
  });
  return `<table><thead><tr><th rowspan="2">run</th><th rowspan="2">steps</th><th rowspan="2">stop reason</th><th colspan="4">final validation</th><th rowspan="2">best validation loss</th><th colspan="4">test</th><th rowspan="2">seconds</th></tr>
<tr><th>loss</th><th>perplexity</th><th>token acc.</th><th>exact match</th><th>loss</th><th>perplexity</th><th>token acc.</th><th>exact match</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** Every leaf of a config by dotted path (arrays as JSON). */
function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = JSON.stringify(value) ?? 'undefined';
  return out;
}

function configDifferences(runs: readonly RunData[], labels: readonly string[]): string {
  const flat = runs.map((r) => flatten(r.config ?? {}));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  const differing = keys.filter((k) => new Set(flat.map((f) => f[k] ?? '')).size > 1);
  if (differing.length === 0) return '<p>The runs share one config.</p>';
  const head = `<tr><th>field</th>${labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr>`;
  const rows = differing.map((k) => `<tr><td><code>${escapeHtml(k)}</code></td>${flat.map((f) => `<td>${escapeHtml(f[k] ?? '')}</td>`).join('')}</tr>`);
  return `<table><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function samplesTable(run: RunData): string {
  const samples = run.end?.samples ?? [];
  if (samples.length === 0) return '<p>No samples were logged (training.samples is 0, or the run did not finish).</p>';
  const hasExpected = samples.some((s) => s.expected !== undefined);
  const rows = samples.map((s) => {
    const mark = s.expected === undefined ? '' : s.output === s.expected ? '<td class="ok">✓</td>' : '<td class="bad">✗</td>';
    return `<tr><td><pre>${escapeHtml(s.input)}</pre></td><td><pre>${escapeHtml(s.output)}</pre></td>${hasExpected ? `<td><pre>${escapeHtml(s.expected ?? '')}</pre></td>${mark}` : ''}</tr>`;
  });
  return `<table><thead><tr><th>input</th><th>output</th>${hasExpected ? '<th>expected</th><th></th>' : ''}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** The report as one HTML string. */
export function reportHtml(options: ReportOptions): string {
  const labels = options.labels ?? runLabels(options.runs);
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(options.title)}</h1>`);
  if (options.intro) parts.push(`<p class="intro">${escapeHtml(options.intro)}</p>`);
  for (const s of options.sections ?? []) parts.push(`<h2>${escapeHtml(s.title)}</h2>\n${s.html}`);
  if (options.charts.length > 0) {
    parts.push('<h2>Charts</h2>\n<div class="charts">');
    for (const c of options.charts) {
      // a chart wider than a column (a long legend) gets the whole row, so its text stays legible
      const width = Number(/^<svg[^>]*\swidth="([\d.]+)"/.exec(c.svg)?.[1] ?? 0);
      parts.push(`<figure id="chart-${escapeHtml(c.id)}"${width > 900 ? ' class="wide"' : ''}><img alt="${escapeHtml(c.title)}" src="${svgDataUri(c.svg)}"><figcaption>${escapeHtml(c.title)} (${escapeHtml(c.id)}.svg)</figcaption></figure>`);
    }
    parts.push('</div>');
  }
  if (options.runs.length > 0) {
    parts.push(`<h2>${options.runs.length === 1 ? 'Result' : 'Runs'}</h2>`);
    parts.push(runsTable(options.runs, labels));
    if (options.runs.length > 1) parts.push('<h3>Config differences</h3>', configDifferences(options.runs, labels));
    options.runs.forEach((r, i) => {
      parts.push(`<h2>${escapeHtml(labels[i]!)}</h2>`);
      parts.push(`<p>Directory <code>${escapeHtml(r.dir)}</code>; stop reason: <b>${escapeHtml(r.end?.stopReason ?? 'not finished')}</b>.</p>`);
      for (const w of r.warnings) parts.push(`<p class="warn">warning at step ${w.step}: ${escapeHtml(w.message)}</p>`);
      parts.push('<h3>Samples</h3>', samplesTable(r));
      parts.push(`<details><summary>Config</summary><pre>${escapeHtml(JSON.stringify(r.config, null, 2))}</pre></details>`);
    });
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
