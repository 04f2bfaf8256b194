/** The language-model and seq2seq tasks end to end at toy sizes: training, the model directory, and using it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { loadModelDir, train, type TrainEvent } from '../../src/train/index.js';
import { evaluateSaved, generateText, tokenizerOf, translatorFor } from '../../src/train/inference.js';
import { repoRoot } from '../helpers/index.js';

const root = mkdtempSync(join(tmpdir(), 'anneal-tasks-'));
const stories = readFileSync(join(repoRoot, 'examples', 'data', 'tiny-stories.txt'), 'utf8').slice(0, 12000);
const textPath = join(root, 'stories.txt');
writeFileSync(textPath, stories);
const pairs = readFileSync(join(repoRoot, 'examples', 'data', 'pig-latin.tsv'), 'utf8').split('\n').slice(0, 200).join('\n') + '\n';
const smallTsv = join(root, 'small.tsv');
writeFileSync(smallTsv, pairs.split('\n').slice(0, 8).join('\n') + '\n');
const tsvPath = join(root, 'pairs.tsv');
writeFileSync(tsvPath, pairs);

const lmConfig = {
  task: 'language-model',
  data: { path: textPath, contextLength: 16, validFraction: 0.1 },
  model: { dModel: 16, nhead: 2, numLayers: 1, dimFeedforward: 32, dropout: 0 },
  optimizer: { lr: 1e-2 },
  schedule: { name: 'constant' },
  training: { batchSize: 8, maxSteps: 40, evalEvery: 20, samples: 1 },
};

const events: TrainEvent[] = [];
const lmOut = join(root, 'lm');
const lm = await train(lmConfig, { out: lmOut, onEvent: (e) => events.push(e) });

test('a character-level LM trains on a text file: the loss falls, evaluation reports perplexity', () => {
  const losses = events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
  assert.ok(losses.at(-1)! < losses[0]! - 0.8, `${losses[0]} -> ${losses.at(-1)}`);
  const evals = events.filter((e): e is Extract<TrainEvent, { type: 'eval' }> => e.type === 'eval');
  assert.deepEqual(evals.map((e) => e.step), [20, 40]);
  // perplexity is exp of the plain cross-entropy: below exp of the label-smoothed training objective
  assert.ok(evals[1]!.perplexity < Math.exp(evals[1]!.loss), `${evals[1]!.perplexity} vs exp(${evals[1]!.loss})`);
  assert.equal(lm.samples.length, 1);
});

test('the LM model directory holds the tokenizer; generate and eval use it', () => {
  const loaded = loadModelDir(lmOut);
  const tokenizer = tokenizerOf(loaded);
  assert.equal(tokenizer.kind, 'char');
  assert.equal(tokenizer.decode(tokenizer.encode('Once upon a time')), 'Once upon a time');
  const a = generateText(loaded, 'One day, ', { maxNewTokens: 20, temperature: 0.8, seed: 1 });
  const b = generateText(loaded, 'One day, ', { maxNewTokens: 20, temperature: 0.8, seed: 1 });
  assert.equal(a, b, 'the same seed gives the same text');
  assert.ok(a.length > 0);
  const { result } = evaluateSaved(loaded);
  const lastEval = events.filter((e): e is Extract<TrainEvent, { type: 'eval' }> => e.type === 'eval').at(-1)!;
  assert.ok(Math.abs(result.loss - lastEval.loss) < 1e-6, `${result.loss} vs ${lastEval.loss}`);
  const onFile = evaluateSaved(loaded, textPath).result;
  assert.ok(onFile.targetTokens > result.targetTokens);
  assert.throws(() => translatorFor(loaded), (e: unknown) => e instanceof InputError && /use `anneal generate/.test(e.message));
});

const tsvConfig = (bucket: boolean) => ({
  task: 'seq2seq',
  data: { path: tsvPath, validFraction: 0.05, bucket },
  model: { dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0 },
  schedule: { name: 'constant' },
  training: { batchSize: 16, maxSteps: 8, evalEvery: 8, samples: 2 },
});

test('seq2seq trains on a TSV file, with bucketed batches padded less than unbucketed ones', async () => {
  const ratio = async (bucket: boolean, out?: string) => {
    let padding = NaN;
    await train(tsvConfig(bucket), { out, onEvent: (e) => { if (e.type === 'end') padding = e.paddingRatio; } });
    return padding;
  };
  const bucketed = await ratio(true, join(root, 's2s'));
  const random = await ratio(false);
  assert.ok(bucketed < random / 2, `padding ratio bucketed ${bucketed}, unbucketed ${random}`);
  const translator = translatorFor(loadModelDir(join(root, 's2s')));
  assert.deepEqual(translator.check([{ text: '', where: 'line 1' }]), ['line 1: empty (expected a text to translate)']);
  assert.equal(translator.translate(['Hello there.']).length, 1);
});

test('a bad TSV line is named by file and line before training starts', async () => {
  const bad = join(root, 'bad.tsv');
  writeFileSync(bad, 'a\tb\nno tab here\n');
  const seen: string[] = [];
  await assert.rejects(train({ ...tsvConfig(true), data: { path: bad } }, { onEvent: (e) => seen.push(e.type) }), (e: unknown) => e instanceof InputError && e.message.startsWith(`${bad}:2:`));
  assert.deepEqual(seen, []);
});

test('the CLI generates from an LM and translates with a TSV model', () => {
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  const g = spawnSync(process.execPath, [cli, 'generate', lmOut, '--prompt', 'The ', '--max-new-tokens', '10', '--seed', '3', '--json'], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  const out = JSON.parse(g.stdout) as { prompt: string; output: string };
  assert.equal(out.prompt, 'The ');
  assert.ok(out.output.length >= 1);
  const t = spawnSync(process.execPath, [cli, 'translate', join(root, 's2s'), 'The cat sat.'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  assert.equal(t.stdout.split('\n').length, 2);
  const e = spawnSync(process.execPath, [cli, 'eval', join(root, 's2s'), '--data', smallTsv, '--json'], { encoding: 'utf8' });
  assert.equal(e.status, 0, e.stderr);
  assert.ok('exactMatch' in (JSON.parse(e.stdout) as { metrics: object }).metrics);
  const wrong = spawnSync(process.execPath, [cli, 'generate', join(root, 's2s'), '--prompt', 'x'], { encoding: 'utf8' });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /use `anneal translate/);
});
