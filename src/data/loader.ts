/**
 * The training loader: which examples each optimizer step sees, as gradAccumSteps micro-batches of
 * example indices, epoch after epoch, resumable from a plain-JSON state.
 *
 * Each epoch's plan is a pure function of (lengths, options, seed, epoch), so the state is just
 * the epoch and the number of steps already taken in it.
 *
 * Fixed batch size (maxTokens null). Step-batches of batchSize x gradAccumSteps examples are formed
 * first (shuffling and bucketing work at that level) and only then split, in order, into micro-batches
 * of batchSize. So what a step sees depends only on the effective batch: batchSize 32 x 1 and
 * 8 x 4 give the same 32 examples per step, in the same order when the micro-batches are joined.
 * The last step of an epoch may be short; it then has fewer (never empty) micro-batches.
 *
 * Token budget (maxTokens set; batchSize is then unused). Micro-batches are filled greedily while
 * their padded size (sequences x padded max length, summed over an example's length components)
 * stays <= maxTokens; a step is gradAccumSteps consecutive micro-batches. A budget cannot be split
 * after the fact (three 60-token sequences fit 200 tokens but not two batches of 100), so here the
 * step depends on maxTokens and gradAccumSteps, not on their product. An example that alone exceeds
 * maxTokens is a ConfigError naming `training.maxTokens`, raised by the constructor, before training.
 *
 * Bucketing sorts each pool of examples (the whole epoch unless bucketPoolSteps is set) by length,
 * ties kept in shuffled order, cuts it into batches, and shuffles the order of the batches
 * (step-batches for a fixed batch size; micro-batches, before grouping into steps, for a budget).
 *
 * dropLast drops, before batching, the examples that would make a short last step (fixed batch
 * size; the dropped ones are the tail of the epoch's shuffled order, so a different set each
 * epoch), or the last step's micro-batches when there are fewer than gradAccumSteps (budget).
 */
import { ConfigError, InputError } from '../errors.js';
import { Generator, randperm } from '../tensor/index.js';
import { ArgumentError } from '../errors.js';

/** An example's length, or its lengths per padded tensor (seq2seq: [src, tgt + 1]). */
export type ExampleLength = number | readonly number[];

export interface LoaderOptions {
  /** Sequences per micro-batch (when maxTokens is null). */
  batchSize: number;
  /** Token budget per micro-batch, padding included (max length in batch x sequences, after padToMultiple); null for a fixed batch size. */
  maxTokens: number | null;
  /** Micro-batches per optimizer step. */
  gradAccumSteps: number;
  /** Length-bucketed batches: sequences of similar length together. */
  bucket: boolean;
  /** Lengths are padded up to a multiple of this (1 = off). */
  padToMultiple: number;
  /** A seeded reshuffle each epoch. */
  shuffle: boolean;
  /** Seeds this loader's own generators (one per epoch), independent of the model's. */
  seed: number;
  /** Drop what would make a short last step (default false). */
  dropLast?: boolean;
  /** Bucket within pools of this many step-batches (fixed size) or micro-batch budgets (maxTokens) instead of the whole epoch; null (default) = whole epoch. */
  bucketPoolSteps?: number | null;
}

/** What the loader saves; plain JSON. */
export interface LoaderState {
  epoch: number;
  /** Steps already taken in `epoch`. */
  position: number;
  seed: number;
  numExamples: number;
  /** FNV-1a hash of the lengths, so a state is not applied to other data. */
  lengthsHash: string;
  /** The options it was made with; a state loads only into a loader with the same. */
  options: Required<Omit<LoaderOptions, 'seed'>>;
}

/** `length` rounded up to a multiple of `multiple`. */
export function paddedLength(length: number, multiple: number): number {
  return multiple <= 1 ? length : Math.ceil(length / multiple) * multiple;
}

/** Lengths as one Int32Array per component. */
function components(lengths: readonly ExampleLength[]): Int32Array[] {
  const n = lengths.length;
  const c = n === 0 ? 1 : typeof lengths[0] === 'number' ? 1 : (lengths[0] as readonly number[]).length;
  if (c < 1) throw new ArgumentError('BatchLoader: an example needs at least one length');
  const out = Array.from({ length: c }, () => new Int32Array(n));
  for (let i = 0; i < n; i++) {
    const l = lengths[i]!;
    const parts = typeof l === 'number' ? [l] : l;
    if (parts.length !== c) throw new ArgumentError(`BatchLoader: example ${i} has ${parts.length} lengths, example 0 has ${c}`);
    for (let k = 0; k < c; k++) {
      const v = parts[k]!;
      if (!(Number.isInteger(v) && v >= 0)) throw new ArgumentError(`BatchLoader: example ${i} has length ${v}`);
      out[k]![i] = v;
    }
  }
  return out;
}

/** Padded tokens of a batch: sequences x padded max length, summed over the length components. */
export function batchTokens(lengths: readonly ExampleLength[], indices: readonly number[], padToMultiple = 1): number {
  const comps = components(indices.map((i) => lengths[i]!));
  return costOf(comps, indices.map((_, j) => j), padToMultiple);
}

function costOf(comps: readonly Int32Array[], indices: readonly number[], m: number): number {
  let width = 0;
  for (const comp of comps) {
    let max = 0;
    for (const i of indices) if (comp[i]! > max) max = comp[i]!;
    width += paddedLength(max, m);
  }
  return indices.length * width;
}

function fnv1a(comps: readonly Int32Array[]): string {
  let h = 0x811c9dc5;
  for (const comp of comps) {
    for (let i = 0; i < comp.length; i++) {
      let v = comp[i]!;
      for (let b = 0; b < 4; b++) { h = Math.imul(h ^ (v & 0xff), 0x01000193); v >>>= 8; }
    }
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function checkInt(field: string, v: unknown, min: number): void {
  if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= min)) throw new ConfigError(field, `must be an integer >= ${min}, got ${String(v)}`);
}

/** A step: up to gradAccumSteps micro-batches, each a non-empty array of example indices. */
type Step = number[][];

export class BatchLoader {
  private readonly comps: Int32Array[];
  private readonly n: number;
  private readonly opts: LoaderState['options'];
  private readonly seed: number;
  private readonly hash: string;
  private currentEpoch = 0;
  private position = 0;
  /** The plans of the last two epochs asked for (the current one and a look-ahead). */
  private readonly plans = new Map<number, Step[]>();

  /**
   * `lengths[i]` is example i's length (LM windows: contextLength), or its lengths per padded tensor
   * (seq2seq: `seq2seqLengths(pairs)`, i.e. [src, tgt + 1], so budgets match collateSeq2Seq's numTokens).
   */
  constructor(lengths: readonly ExampleLength[], options: LoaderOptions) {
    checkInt('training.batchSize', options.batchSize, 1);
    if (options.maxTokens !== null) checkInt('training.maxTokens', options.maxTokens, 1);
    checkInt('training.gradAccumSteps', options.gradAccumSteps, 1);
    checkInt('data.padToMultiple', options.padToMultiple, 1);
    checkInt('seed', options.seed, 0);
    const pool = options.bucketPoolSteps ?? null;
    if (pool !== null) checkInt('data.bucketPoolSteps', pool, 1);
    this.comps = components(lengths);
    this.n = lengths.length;
    if (this.n === 0) throw new InputError('BatchLoader: no examples to train on');
    this.opts = {
      batchSize: options.batchSize,
      maxTokens: options.maxTokens,
      gradAccumSteps: options.gradAccumSteps,
      bucket: options.bucket,
      padToMultiple: options.padToMultiple,
      shuffle: options.shuffle,
      dropLast: options.dropLast ?? false,
      bucketPoolSteps: pool,
    };
    this.seed = options.seed;
    this.hash = fnv1a(this.comps);
    const M = this.opts.maxTokens;
    if (M !== null) {
      let worst = 0, worstCost = 0;
      for (let i = 0; i < this.n; i++) {
        const c = costOf(this.comps, [i], this.opts.padToMultiple);
        if (c > worstCost) { worst = i; worstCost = c; }
      }
      if (worstCost > M) {
        throw new ConfigError('training.maxTokens', `${M} is too small: example ${worst} alone needs ${worstCost} tokens (after padding to a multiple of ${this.opts.padToMultiple}); raise it to at least ${worstCost} or drop the longest examples`);
      }
    } else if (this.opts.dropLast && this.n < this.opts.batchSize * this.opts.gradAccumSteps) {
      throw new ConfigError('training.batchSize', `with dropLast, ${this.n} examples do not fill one step of batchSize x gradAccumSteps = ${this.opts.batchSize * this.opts.gradAccumSteps}`);
    }
    if (this.stepsPerEpoch() === 0) {
      throw new ConfigError('training.gradAccumSteps', `with dropLast, the ${this.n} examples do not make one step of ${this.opts.gradAccumSteps} micro-batches under training.maxTokens ${M}`);
    }
  }

  /** Completed epochs: the epoch the next step belongs to. */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** The next optimizer step's micro-batches (at most gradAccumSteps, never empty); rolls into the next epoch after the last step of one. */
  nextStep(): number[][] {
    const steps = this.steps(this.currentEpoch);
    const step = steps[this.position]!;
    this.position++;
    if (this.position === steps.length) {
      this.currentEpoch++;
      this.position = 0;
    }
    return step.map((mb) => [...mb]);
  }

  /** Steps in `epoch` (default the current one): the same every epoch for a fixed batch size, or a token budget with whole-epoch bucketing; otherwise it can vary by epoch. */
  stepsPerEpoch(epoch = this.currentEpoch): number {
    return this.steps(epoch).length;
  }

  /** Epochs done, with the current one's fraction: 2.25 = a quarter into the third epoch. */
  epochProgress(): number {
    return this.currentEpoch + this.position / this.stepsPerEpoch();
  }

  state(): LoaderState {
    return { epoch: this.currentEpoch, position: this.position, seed: this.seed, numExamples: this.n, lengthsHash: this.hash, options: { ...this.opts } };
  }

  /** Continues from `state()` of a loader over the same data and options; anything else is an InputError saying what differs. */
  loadState(state: LoaderState): void {
    const bad = (why: string): never => {
      throw new InputError(`cannot resume the data loader: ${why}`);
    };
    if (!state || typeof state !== 'object' || !Number.isSafeInteger(state.epoch) || !Number.isSafeInteger(state.position) || state.epoch < 0 || state.position < 0) {
      bad('not a saved loader state');
    }
    if (state.numExamples !== this.n || state.lengthsHash !== this.hash) bad(`it was saved for ${state.numExamples} examples with other lengths (the data changed)`);
    if (state.seed !== this.seed) bad(`it was saved with seed ${state.seed}, this run has ${this.seed}`);
    for (const key of Object.keys(this.opts) as (keyof LoaderState['options'])[]) {
      const savedOptions = (state.options ?? {}) as Partial<LoaderState['options']>;
      const saved = savedOptions[key];
      if (saved !== this.opts[key]) bad(`it was saved with ${key} ${String(saved)}, this run has ${String(this.opts[key])}`);
    }
    if (state.position >= this.stepsPerEpoch(state.epoch)) bad(`position ${state.position} is past the ${this.stepsPerEpoch(state.epoch)} steps of epoch ${state.epoch}`);
    this.currentEpoch = state.epoch;
    this.position = state.position;
  }

  private steps(epoch: number): Step[] {
    let steps = this.plans.get(epoch);
    if (!steps) {
      steps = this.planEpoch(epoch);
      if (this.plans.size >= 2) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(epoch, steps);
    }
    return steps;
  }

  /** One generator per epoch, from (seed, epoch), so an epoch's plan needs no earlier epoch. */
  private generator(epoch: number): Generator {
    return new Generator(Number((BigInt(this.seed) * 1000003n + BigInt(epoch) * 7919n + 1n) % 9007199254740881n));
  }

  private sortKey(i: number): number {
    let s = 0;
    for (const comp of this.comps) s += comp[i]!;
    return s;
  }

  /** Bucketed order: each pool of `poolSize` consecutive examples sorted by length, ties in the given order. */
  private sortPools(order: number[], poolSize: number): number[] {
    const out: number[] = [];
    for (let p = 0; p < order.length; p += poolSize) {
      const pool = order.slice(p, p + poolSize);
      const key = new Map(pool.map((i) => [i, this.sortKey(i)]));
      pool.sort((a, b) => key.get(a)! - key.get(b)!); // Array.prototype.sort is stable
      out.push(...pool);
    }
    return out;
  }

  private shuffled<T>(items: T[], g: Generator): T[] {
    const perm = randperm(items.length, g);
    return Array.from(perm, (j) => items[j]!);
  }

  private planEpoch(epoch: number): Step[] {
    const { batchSize, maxTokens, gradAccumSteps: G, bucket, padToMultiple: m, shuffle, dropLast, bucketPoolSteps } = this.opts;
    const g = this.generator(epoch);
    let order = shuffle ? Array.from(randperm(this.n, g)) : Array.from({ length: this.n }, (_, i) => i);

    if (maxTokens === null) {
      const S = batchSize * G;
      if (dropLast) order = order.slice(0, Math.floor(order.length / S) * S);
      if (bucket) order = this.sortPools(order, bucketPoolSteps === null ? order.length : bucketPoolSteps * S);
      let stepBatches: number[][] = [];
      for (let i = 0; i < order.length; i += S) stepBatches.push(order.slice(i, i + S));
      if (bucket && shuffle) stepBatches = this.shuffled(stepBatches, g);
      return stepBatches.map((sb) => {
        const micro: number[][] = [];
        for (let i = 0; i < sb.length; i += batchSize) micro.push(sb.slice(i, i + batchSize));
        return micro;
      });
    }

    if (bucket) {
      // A pool holds about bucketPoolSteps budgets' worth of examples.
      const poolSize = bucketPoolSteps === null ? order.length : Math.max(1, Math.floor((bucketPoolSteps * maxTokens) / Math.max(1, this.meanCost())));
      order = this.sortPools(order, poolSize);
    }
    let micro: number[][] = [];
    let cur: number[] = [];
    const maxes = new Int32Array(this.comps.length);
    for (const i of order) {
      let width = 0;
      for (let k = 0; k < this.comps.length; k++) width += paddedLength(Math.max(maxes[k]!, this.comps[k]![i]!), m);
      if (cur.length > 0 && (cur.length + 1) * width > maxTokens) {
        micro.push(cur);
        cur = [];
        maxes.fill(0);
      }
      cur.push(i);
      for (let k = 0; k < this.comps.length; k++) maxes[k] = Math.max(maxes[k]!, this.comps[k]![i]!);
    }
    if (cur.length > 0) micro.push(cur);
    if (bucket && shuffle) micro = this.shuffled(micro, g);
    const steps: Step[] = [];
    for (let i = 0; i < micro.length; i += G) steps.push(micro.slice(i, i + G));
    if (dropLast && steps.length > 0 && steps[steps.length - 1]!.length < G) steps.pop();
    return steps;
  }

  private meanCost(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += costOf(this.comps, [i], this.opts.padToMultiple);
    return s / this.n;
  }
}

/**
 * Batches for evaluation: every example once, in length order (least padding), cut by
 * batchSize or by a token budget as in training.
 */
export function evalBatches(lengths: readonly ExampleLength[], options: { batchSize: number; maxTokens?: number | null; padToMultiple?: number }): number[][] {
  if (lengths.length === 0) return [];
  const loader = new BatchLoader(lengths, {
    batchSize: options.batchSize,
    maxTokens: options.maxTokens ?? null,
    gradAccumSteps: 1,
    bucket: true,
    padToMultiple: options.padToMultiple ?? 1,
    shuffle: false,
    seed: 0,
  });
  const out: number[][] = [];
  for (let s = loader.stepsPerEpoch(); s > 0; s--) out.push(...loader.nextStep());
  return out;
}
