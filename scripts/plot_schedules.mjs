#!/usr/bin/env node
// Draws docs/schedules.svg and docs/schedules.png, the README's side-by-side chart of the main
// learning-rate families, from the built library: npm run build && node scripts/plot_schedules.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchedule } from '../dist/lr/index.js';
import { lineChart, svgToPng } from '../dist/plot/index.js';

const T = 1000;
const W = 100;
const panels = [
  ['constant_with_warmup', { name: 'constant_with_warmup', warmupSteps: W }],
  ['linear', { name: 'linear', warmupSteps: W, totalSteps: T }],
  ['cosine', { name: 'cosine', warmupSteps: W, totalSteps: T }],
  ['cosine, minLrRatio 0.1', { name: 'cosine', warmupSteps: W, totalSteps: T, minLrRatio: 0.1 }],
  ['cosine_with_restarts, 3 cycles', { name: 'cosine_with_restarts', warmupSteps: W, totalSteps: T, numCycles: 3 }],
  ['polynomial, power 2', { name: 'polynomial', warmupSteps: W, totalSteps: T, power: 2 }],
  ['inverse_sqrt', { name: 'inverse_sqrt', warmupSteps: W }],
  // noam's factor is the LR itself; scaled here so that its peak is 1 like the others
  ['noam, peak scaled to 1', { name: 'noam', warmupSteps: W, dModel: 512, factor: Math.sqrt(512 * W) }],
  ['warmup_stable_decay', { name: 'warmup_stable_decay', warmupSteps: W, decaySteps: 200, totalSteps: T, decayType: '1-sqrt' }],
  ['LinearLR → CosineAnnealingLR', { sequential: [{ name: 'LinearLR', startFactor: 0.01, totalIters: W }, { name: 'CosineAnnealingLR', tMax: T - W }], milestones: [W] }],
  ['OneCycleLR', { name: 'OneCycleLR', totalSteps: T }],
  ['CosineAnnealingWarmRestarts', { name: 'CosineAnnealingWarmRestarts', t0: W, tMult: 2 }],
];

const steps = Array.from({ length: T + 1 }, (_, t) => t);
const series = panels.map(([name, spec]) => {
  const schedule = buildSchedule(spec, { baseLr: 1 });
  return { name, x: steps, y: steps.map((t) => schedule(t)) };
});
const svg = await lineChart({
  series,
  columns: 4,
  title: `Learning-rate factor by step (W = ${W} warmup steps, T = ${T} total steps)`,
  xLabel: 'step',
  yLabel: 'factor of base LR',
});
const docs = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs');
mkdirSync(docs, { recursive: true });
writeFileSync(join(docs, 'schedules.svg'), svg);
writeFileSync(join(docs, 'schedules.png'), svgToPng(svg));
console.log(`wrote docs/schedules.svg and docs/schedules.png (${panels.length} schedules)`);
