/** Run directories with synthetic events, as the trainer writes them, for tests of charts and reports. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeRunOptions {
  steps?: number;
  /** Log a loss scale at every step, as an fp16 run does. */
  lossScale?: boolean;
  /** Multiplies the losses, so two runs differ. */
  scale?: number;
}

/** A run directory with synthetic events, as the trainer writes them. */
export function writeFakeRun(root: string, name: string, options: FakeRunOptions = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const n = options.steps ?? 60;
  const k = options.scale ?? 1;
  const lines: object[] = [];
  for (let s = 1; s <= n; s++) {
    lines.push({ type: 'step', step: s, loss: k * (4 / s + 0.1 * ((s * 7) % 3)), lr: 1e-3 * Math.min(1, s / 10), gradNorm: 2 / Math.sqrt(s), paramNorm: 40 + s / 100, tokensPerSecond: 1000, paddingRatio: 0.1, elapsedSeconds: s / 10, ...(options.lossScale ? { lossScale: 2 ** (16 - Math.floor(s / 20)) } : {}) });
    if (s % 20 === 0) lines.push({ type: 'eval', step: s, split: 'valid', loss: k * 3 / s * 10, perplexity: 1 + 30 / s, tokenAccuracy: s / n, exactMatch: s / n / 2, best: true, elapsedSeconds: s / 10 });
  }
  lines.push({ type: 'eval', step: n, split: 'test', loss: 0.5, perplexity: 1.2, tokenAccuracy: 0.9, exactMatch: 0.8, best: false, elapsedSeconds: 7 });
  lines.push({ type: 'end', step: n, epoch: 0, stopReason: `reached training.maxSteps (${n})`, elapsedSeconds: 7, trainSeconds: 6, paddingRatio: 0.1, model: 'final', samples: [{ input: '12', output: 'one two', expected: 'one two' }, { input: '7', output: 'one', expected: 'seven' }] });
  writeFileSync(join(dir, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ config: { task: 'numbers-to-words', seed: 0, optimizer: { name: 'adamw', lr: 1e-3 }, training: { labelSmoothing: 0.1, clipGradNorm: 1 } } }));
  return dir;
}

