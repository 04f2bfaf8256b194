/** Line charts: the Vega-Lite spec they build, and SVG / PNG output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChart, lineChartSpec, svgToPng } from '../../src/plot/index.js';

const two = [
  { name: 'train', x: [0, 1, 2, 3], y: [2, 1, 0.5, Number.NaN] },
  { name: 'valid', x: [0, 2], y: [2.5, 0] },
];

interface Spec {
  data: { values: { series: string; x: number; y: number }[] };
  encoding?: { y: { scale?: { type: string } } };
  facet?: { field: string };
  columns?: number;
  title?: string;
}

test('every finite point becomes a row tagged with its series, in series order', () => {
  const spec = lineChartSpec({ series: two }) as unknown as Spec;
  assert.deepEqual(spec.data.values, [
    { series: 'train', x: 0, y: 2 }, { series: 'train', x: 1, y: 1 }, { series: 'train', x: 2, y: 0.5 },
    { series: 'valid', x: 0, y: 2.5 }, { series: 'valid', x: 2, y: 0 },
  ]);
});

test('a log y axis leaves out the points it cannot show (y <= 0)', () => {
  const spec = lineChartSpec({ series: two, logY: true }) as unknown as Spec;
  assert.equal(spec.encoding!.y.scale!.type, 'log');
  assert.ok(spec.data.values.every((r) => r.y > 0));
  assert.equal(spec.data.values.length, 4);
});

test('columns turns the series into small multiples', () => {
  const spec = lineChartSpec({ series: two, columns: 2, title: 'losses' }) as unknown as Spec;
  assert.equal(spec.facet!.field, 'series');
  assert.equal(spec.columns, 2);
  assert.equal(spec.title, 'losses');
});

test('series with x and y of different lengths, or no series at all, are refused', () => {
  assert.throws(() => lineChartSpec({ series: [{ name: 'a', x: [0, 1], y: [1] }] }), /series "a" has 2 x values and 1 y values/);
  assert.throws(() => lineChartSpec({ series: [] }), /at least one series/);
});

test('lineChart renders an SVG with the title, axis labels and legend', async () => {
  const svg = await lineChart({ series: two, title: 'Loss curves', xLabel: 'step', yLabel: 'loss', logY: true });
  assert.match(svg, /^<svg[^>]*width="\d+(\.\d+)?"/);
  for (const text of ['Loss curves', 'step', 'loss', 'train', 'valid']) assert.ok(svg.includes(`>${text}<`), `the SVG shows ${text}`);
});

test('svgToPng rasterises at twice the SVG size by default', async () => {
  const svg = await lineChart({ series: two.slice(0, 1), width: 100, height: 60 });
  const width = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
  const png = svgToPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), Math.ceil(width * 2));
});
