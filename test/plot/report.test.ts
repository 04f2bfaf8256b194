/**
 * The HTML report: one self-contained page that shows every chart (each an embedded SVG), the
 * config, the final metrics, the stop reason and the samples, and loads nothing from the network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { escapeHtml, plotRun, readRun, reportRuns, runCharts } from '../../src/plot/index.js';
import { writeFakeRun } from './fakeRun.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const root = mkdtempSync(join(tmpdir(), 'anneal-report-'));

function elementsOf(html: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    if ('tagName' in n) out.push(n as Element);
    const kids = (n as { childNodes?: Node[] }).childNodes ?? [];
    for (const k of kids) walk(k);
    const content = (n as { content?: Node }).content;
    if (content) walk(content);
  };
  walk(parse(html) as unknown as Node);
  return out;
}

const attr = (e: Element, name: string) => e.attrs.find((a) => a.name === name)?.value;
const textOf = (n: Node): string => ('value' in n && n.nodeName === '#text' ? (n as { value: string }).value : ((n as { childNodes?: Node[] }).childNodes ?? []).map(textOf).join(''));

/** Everything in a page that a browser would fetch: external sources and links, CSS url() and @import. */
function networkLoads(html: string): string[] {
  const loads: string[] = [];
  for (const e of elementsOf(html)) {
    if (e.tagName === 'script' || e.tagName === 'iframe' || e.tagName === 'object' || e.tagName === 'embed') loads.push(`<${e.tagName}>`);
    if (e.tagName === 'link') loads.push(`<link ${attr(e, 'href')}>`);
    for (const name of ['src', 'href', 'srcset', 'poster', 'data', 'action']) {
      const v = attr(e, name);
      if (v !== undefined && !v.startsWith('data:') && !v.startsWith('#')) loads.push(`${name}=${v}`);
    }
    const css = e.tagName === 'style' ? textOf(e as unknown as Node) : (attr(e, 'style') ?? '');
    if (/url\(|@import/i.test(css)) loads.push(`css: ${css}`);
  }
  return loads;
}

const dir = writeFakeRun(root, 'run');
const result = await plotRun(dir);
const html = readFileSync(result.report!, 'utf8');
const charts = await runCharts(readRun(dir));

test('plot writes each chart as SVG and PNG in OUT/plots, and OUT/report.html', () => {
  const names = result.files.map((f) => f.slice(join(dir, 'plots').length + 1)).sort();
  assert.deepEqual(names, charts.flatMap((c) => [`${c.id}.png`, `${c.id}.svg`]).sort());
  assert.equal(result.report, join(dir, 'report.html'));
});

test('the report references every chart: an embedded image of exactly that SVG, captioned with its title', () => {
  const images = elementsOf(html).filter((e) => e.tagName === 'img');
  assert.equal(images.length, charts.length);
  for (const c of charts) {
    const img = images.find((i) => attr(i, 'alt') === c.title);
    assert.ok(img, `an image for ${c.id}`);
    const src = attr(img, 'src')!;
    assert.ok(src.startsWith('data:image/svg+xml;base64,'));
    // the same render as the chart file (vega numbers clip paths across renders, so another render differs in ids)
    assert.equal(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').toString('utf8'), readFileSync(join(dir, 'plots', `${c.id}.svg`), 'utf8'));
    assert.ok(html.includes(`id="chart-${c.id}"`));
  }
});

test('the report loads nothing from the network: no scripts, no links, no external sources, no CSS urls', () => {
  assert.deepEqual(networkLoads(html), []);
  // the check itself finds what it should
  assert.deepEqual(
    networkLoads('<html><head><link rel="stylesheet" href="https://x/a.css"><style>@import "b.css";</style></head><body><img src="http://x/i.png"><script src="s.js"></script></body></html>'),
    ['<link https://x/a.css>', 'href=https://x/a.css', 'css: @import "b.css";', 'src=http://x/i.png', '<script>', 'src=s.js'],
  );
});

test('the report shows the config, the final and test metrics, the stop reason and the samples', () => {
  const text = textOf(parse(html) as unknown as Node);
  assert.match(text, /reached training\.maxSteps \(60\)/);
  assert.match(text, /"task": "numbers-to-words"/);
  // the final validation loss (3/60*10) and the test exact match
  assert.ok(text.includes('0.5') && text.includes('80.0%'));
  for (const s of ['12', 'one two', 'seven']) assert.ok(text.includes(s), `sample text ${s}`);
});

test('a report over several runs overlays them and lists the config fields that differ', async () => {
  const a = writeFakeRun(root, 'a');
  const b = writeFakeRun(root, 'b', { scale: 2 });
  // b used another learning rate
  const runJson = join(b, 'run.json');
  const info = JSON.parse(readFileSync(runJson, 'utf8'));
  info.config.optimizer.lr = 3e-3;
  (await import('node:fs')).writeFileSync(runJson, JSON.stringify(info));
  const out = await reportRuns([a, b], join(root, 'both.html'));
  const page = readFileSync(out, 'utf8');
  assert.deepEqual(networkLoads(page), []);
  assert.equal(elementsOf(page).filter((e) => e.tagName === 'img').length, 6);
  const text = textOf(parse(page) as unknown as Node);
  assert.match(text, /Config differences/);
  assert.match(text, /optimizer\.lr\s*0\.0010\.003/);
});

test('text from runs is escaped', () => {
  assert.equal(escapeHtml('<b> & "x"'), '&lt;b&gt; &amp; &quot;x&quot;');
});
