/**
 * Run charts from a run directory: the SVG parses as XML and draws one line per curve, with titles,
 * axis labels and legends; log axes where the data spans decades; the loss-scale chart only when the
 * run logged a loss scale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { writeFakeRun, type FakeRunOptions } from './fakeRun.js';
import { chartSpec, chartSvg, readRun, runCharts, compareRunCharts, smoothEma, spansDecades, type Chart } from '../../src/plot/index.js';

const root = mkdtempSync(join(tmpdir(), 'anneal-plot-'));
const fakeRun = (name: string, options: FakeRunOptions = {}) => writeFakeRun(root, name, options);

/** Parses an SVG strictly: any XML error fails the test. */
function parseSvg(svg: string) {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => { if (level !== 'warning') errors.push(message); } }).parseFromString(svg, 'image/svg+xml');
  assert.deepEqual(errors, []);
  assert.equal(doc.documentElement!.nodeName, 'svg');
  return doc;
}

const elements = (doc: ReturnType<typeof parseSvg>, tag: string) => Array.from(doc.getElementsByTagName(tag)) as unknown as Element[];
/** The curves drawn: vega renders each series of a line mark as one path. */
const linePaths = (svg: string) => elements(parseSvg(svg), 'path').filter((p) => p.getAttribute('aria-roledescription') === 'line mark');
const texts = (svg: string) => elements(parseSvg(svg), 'text').map((t) => t.textContent);
const byId = (charts: Chart[], id: string) => charts.find((c) => c.id === id)!;

const run = readRun(fakeRun('run'));
const charts = await runCharts(run);

test('a run gives loss, perplexity, accuracy, learning-rate and norm charts, and no loss-scale chart when none was logged', () => {
  assert.deepEqual(charts.map((c) => c.id), ['loss', 'perplexity', 'accuracy', 'lr', 'norms']);
});

test('every chart\'s SVG parses and has one line per curve', () => {
  const expected: Record<string, string[]> = {
    loss: ['training loss', 'training loss (smoothed)', 'validation loss'],
    perplexity: ['validation perplexity'],
    accuracy: ['token accuracy', 'exact match'],
    lr: ['learning rate'],
    norms: ['gradient norm (before clipping)', 'parameter norm', 'clipping threshold (1)'],
  };
  for (const c of charts) {
    const paths = linePaths(c.svg);
    assert.equal(paths.length, expected[c.id]!.length, `${c.id}: ${paths.length} lines`);
    // each path is labelled with its series
    assert.deepEqual(paths.map((p) => /series: (.*)$/.exec(p.getAttribute('aria-label') ?? '')?.[1]).sort(), [...expected[c.id]!].sort());
  }
});

test('charts have a title, axis labels, and a legend naming each curve when there are several', () => {
  const loss = texts(byId(charts, 'loss').svg);
  for (const t of ['Loss', 'step', 'loss (label smoothing 0.1)', 'training loss', 'training loss (smoothed)', 'validation loss']) assert.ok(loss.includes(t), `loss chart shows '${t}'`);
  assert.ok(texts(byId(charts, 'lr').svg).includes('Learning rate'));
});

test('the smoothed training loss is the bias-corrected moving average of the raw one', () => {
  const values = [4, 2, 3, 1];
  const beta = 0.5;
  // avg_t = beta avg + (1 - beta) x, over (1 - beta^t)
  assert.deepEqual(smoothEma(values, beta), [4, (0.5 * 0.5 * 4 + 0.5 * 2) / 0.75, ((0.25 * 4 + 0.5 * 2) * 0.5 + 0.5 * 3) / 0.875, (((0.25 * 4 + 0.5 * 2) * 0.5 + 0.5 * 3) * 0.5 + 0.5 * 1) / 0.9375]);
  assert.deepEqual(smoothEma([1, Number.NaN, 1], 0.9), [1, Number.NaN, 1]);
});

test('a y axis is logarithmic exactly when the data spans two decades', () => {
  assert.equal(spansDecades([0.05, 4]), false);
  assert.equal(spansDecades([0.01, 4]), true);
  const spec = (ys: number[]) => chartSpec({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: ys.map((_, i) => i), y: ys }] }) as unknown as { layer: { encoding: { y: { scale: { type?: string } } } }[] };
  assert.equal(spec([1, 0.5, 0.1]).layer[0]!.encoding.y.scale.type, undefined);
  assert.equal(spec([1, 0.1, 0.001]).layer[0]!.encoding.y.scale.type, 'log');
  // the learning rate of this run climbs from 1e-4 to 1e-3 over warmup: one decade, linear
  assert.ok(!/for a log scale/.test(byId(charts, 'lr').svg));
  assert.match(byId(charts, 'perplexity').svg, /Y-axis titled 'perplexity \(exp of the cross-entropy\)' for a linear scale/);
});

test('a run that logged a loss scale (fp16) gets a loss-scale chart on a log axis', async () => {
  const withScale = await runCharts(readRun(fakeRun('fp16', { lossScale: true })));
  const c = byId(withScale, 'loss-scale');
  assert.ok(c);
  assert.equal(linePaths(c.svg).length, 1);
  assert.match(c.svg, /for a log scale/);
});

test('several runs overlay one line per run in each chart', async () => {
  const runs = [run, readRun(fakeRun('other', { scale: 2 }))];
  const overlay = await compareRunCharts(runs);
  assert.deepEqual(overlay.map((c) => c.id), ['valid-loss', 'train-loss', 'perplexity', 'accuracy', 'lr', 'grad-norm']);
  for (const c of overlay) {
    const paths = linePaths(c.svg);
    assert.equal(paths.length, 2, c.id);
    assert.ok(texts(c.svg).includes('run') && texts(c.svg).includes('other'), `${c.id} legend`);
  }
});

test('a directory without metrics.jsonl is an input error naming it', () => {
  assert.throws(() => readRun(join(root, 'nothing')), /run directory .*nothing does not exist/);
  mkdirSync(join(root, 'empty'));
  assert.throws(() => readRun(join(root, 'empty')), /is not a run directory \(metrics\.jsonl is missing/);
});

test('a step axis from 1 to 800 shows every tick label, at round hundreds', async () => {
  const x = Array.from({ length: 800 }, (_, i) => i + 1);
  const svg = await chartSvg({ title: 'Loss', xLabel: 'step', yLabel: 'loss', series: [{ name: 'loss', x, y: x.map((s) => 3 / Math.sqrt(s)) }], logY: false });
  const doc = parseSvg(svg);
  const axis = elements(doc, 'g').find((g) => g.getAttribute('aria-label')?.startsWith("X-axis titled 'step'"))!;
  const labels = (Array.from(axis.getElementsByTagName('text')) as unknown as Element[]).filter((t) => t.getAttribute('opacity') !== '0' && t.textContent !== 'step').map((t) => t.textContent);
  assert.deepEqual(labels, ['100', '200', '300', '400', '500', '600', '700', '800']);
});
