/**
 * The training run of scripts/fixtures/interop.py, replayed with anneal's building blocks the way
 * the trainer uses them (src/train/trainer.ts): the same batches from the same generator, AdamW over
 * paramGroupsWithDecay (buildOptimizer), warmup + cosine (buildScheduler), label-smoothed
 * cross-entropy summed and divided by the step's target tokens, clipGradNorm, then optimizer.step(),
 * scheduler.step(), zeroGrad(). scripts/fixtures/interop_anneal.mjs and the parity test both call it.
 */
import { loss, nn, tensor, train, type Tensor } from 'anneal';

export interface TrainRecipe {
  steps: number;
  batchSize: number;
  seed: number;
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  warmupSteps: number;
  labelSmoothing: number;
  clipGradNorm: number;
}

/** Numerical Recipes' 32-bit LCG, which Python computes bit for bit the same. */
export class Lcg {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (Math.imul(1664525, this.state) + 1013904223) >>> 0;
    return this.state / 4294967296;
  }

  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** interop.py's numbers_batches: numbers of 1-6 digits, source digit tokens, target <sos> words <eos>; pad 0. */
export function* numbersBatches(recipe: TrainRecipe): Generator<{ src: Tensor; tgt: Tensor }> {
  const g = new Lcg(recipe.seed);
  for (let step = 0; step < recipe.steps; step++) {
    const pairs: [number[], number[]][] = [];
    for (let i = 0; i < recipe.batchSize; i++) {
      const n = 1 + g.below(6);
      const digits = [n === 1 ? g.below(10) : 1 + g.below(9)];
      for (let j = 1; j < n; j++) digits.push(g.below(10));
      const words = digits.map((d) => 3 + d);
      pairs.push([words, [1, ...words, 2]]);
    }
    const S = Math.max(...pairs.map(([s]) => s.length));
    const T = Math.max(...pairs.map(([, t]) => t.length));
    const pad = (row: number[], n: number) => [...row, ...new Array<number>(n - row.length).fill(0)];
    yield {
      src: tensor(pairs.map(([s]) => pad(s, S)), { dtype: 'int32' }),
      tgt: tensor(pairs.map(([, t]) => pad(t, T)), { dtype: 'int32' }),
    };
  }
}

/** Trains `model` (weights already loaded) for recipe.steps steps; returns the loss of each step. */
export function trainNumbers(model: nn.TransformerSeq2Seq, recipe: TrainRecipe): number[] {
  const config = train.parseTrainConfig({
    optimizer: { name: 'adamw', lr: recipe.lr, betas: recipe.betas, eps: recipe.eps, weightDecay: recipe.weightDecay },
    schedule: { name: 'cosine', warmupSteps: recipe.warmupSteps, totalSteps: recipe.steps },
    training: { maxSteps: recipe.steps, labelSmoothing: recipe.labelSmoothing, clipGradNorm: recipe.clipGradNorm },
  });
  const params = model.parameters();
  const optimizer = train.buildOptimizer(config, model);
  const scheduler = train.buildScheduler(config, optimizer, recipe.steps) as { step(): void };
  model.train();
  const losses: number[] = [];
  for (const { src, tgt } of numbersBatches(recipe)) {
    const target = tgt.narrow(1, 1, tgt.shape[1]! - 1);
    const logits = model.forward(src, loss.decoderInput(tgt));
    const sum = loss.crossEntropy(logits, target, { labelSmoothing: config.training.labelSmoothing, ignoreIndex: 0, reduction: 'sum' });
    const tokens = (target.ne(0).sum().item());
    const value = sum.item();
    sum.div(tokens).backward();
    nn.utils.clipGradNorm(params, config.training.clipGradNorm!);
    optimizer.step();
    scheduler.step();
    optimizer.zeroGrad();
    losses.push(value / tokens);
  }
  return losses;
}
