/**
 * The training loop: one plain loop over a Task (nanoGPT's train.py in spirit). Each optimizer step
 * takes its micro-batches from the task's loader, sums their losses, normalises by all their target
 * tokens together, clips the global gradient norm, steps the optimizer and then the scheduler.
 * Evaluations feed the stopping rules (pure functions of the history); checkpoints hold the whole
 * TrainState, so a resumed run continues exactly where it stopped. The loop reports through events
 * and never prints: the CLI decides how they look.
 */
import { GradScaler } from '../amp/index.js';
import { getBackend } from '../backend/index.js';
import { AnnealError, InputError } from '../errors.js';
import type { DirWriteOptions } from '../io/index.js';
import { Dropout, loadWeights, loadWeightsFrom, MultiheadAttention, setGradientCheckpointing, toPyTorchStateDict, utils, type Module } from '../nn/index.js';
import { autocast, getRngState, manualSeed, noGrad, setRngState, tidy, type Tensor } from '../tensor/index.js';
import { buildOptimizer, buildScheduler, type TrainScheduler } from './builders.js';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { checkScheduleLength, parseTrainConfig, scheduleWarning, type TrainConfig, type TrainConfigInput } from './config.js';
import { MODEL_DIR, saveModelDir } from './modelDir.js';
import { RunDir } from './runDir.js';
import { initialState, type EvalRecord, type TrainState } from './state.js';
import { converged, earlyStopping, improves, targetReached } from './stopping.js';
import type { Batch, EvalResult, Sample, StepLoader, Task } from './task.js';
import { createTask } from './tasks/index.js';
import { join } from 'node:path';

export type TrainEvent =
  | { type: 'start'; step: number; config: TrainConfig; description: string; parameters: number; trainable: number; totalSteps: number; backend: string; resumedFrom: number | null }
  | {
      type: 'step'; step: number; totalSteps: number; phase: TrainState['phase']; epoch: number; loss: number; lr: number; gradNorm: number; paramNorm: number;
      tokensPerSecond: number; paddingRatio: number; elapsedSeconds: number;
      /** With loss scaling: the scale this step's backward used, and the steps skipped so far for overflowing gradients. */
      lossScale?: number; skippedSteps?: number;
    }
  | ({ type: 'eval'; step: number; split: 'valid' | 'test'; loss: number; perplexity: number; tokenAccuracy: number; best: boolean; elapsedSeconds: number } & Record<string, number | string | boolean>)
  | { type: 'checkpoint'; step: number; path: string }
  | { type: 'phase'; step: number; phase: 'finetune'; lr: number; dropout: number | null }
  | { type: 'warning'; step: number; message: string }
  | {
      type: 'end'; step: number; epoch: number; stopReason: string; elapsedSeconds: number; trainSeconds: number; paddingRatio: number; model: 'final' | 'best' | null;
      /** The task's samples of the saved model (translations or generated text), so a report can show them. */
      samples: Sample[];
    };

/** Raised when a loss or gradient stops being finite; the last good checkpoint is left as it was. */
export class DivergenceError extends AnnealError {
  override name = 'DivergenceError';
  constructor(
    readonly step: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TrainOptions {
  /** The run's output directory: run.json, metrics.jsonl, checkpoints/, model/. None: nothing is written. */
  out?: string | null;
  /** Continue the run in `out` from its last checkpoint. */
  resume?: boolean;
  /** Replace a run already in `out`. */
  overwrite?: boolean;
  onEvent?: (event: TrainEvent) => void;
  /** When aborted (SIGINT), the loop saves a checkpoint after the current step and stops. */
  signal?: AbortSignal;
  /** For tests of crashes during the model directory write. */
  modelDirWrite?: DirWriteOptions;
  /** Called after each step's backward, before unscaling and clipping (tests inject Inf gradients). */
  onGradients?: (step: number, params: readonly Tensor[]) => void;
}

export interface TrainResult {
  config: TrainConfig;
  task: Task;
  model: Module;
  steps: number;
  stopReason: string;
  /** Seconds in training steps (evaluation excluded), this process only. */
  trainSeconds: number;
  /** Seconds from the first step to the end, evaluations included, this process only. */
  elapsedSeconds: number;
  history: EvalRecord[];
  best: EvalRecord | null;
  /** Metrics on the task's test split after training (the model that was saved). */
  test: EvalResult | null;
  samples: Sample[];
  interrupted: boolean;
}

function setDropout(model: Module, p: number): void {
  for (const m of model.modules()) {
    if (m instanceof Dropout) m.p = p;
    else if (m instanceof MultiheadAttention) m.dropoutP = p;
  }
}

function paramNorm(params: readonly Tensor[]): number {
  return noGrad(() => utils.totalNorm(params));
}

/** How long the main phase runs, in optimizer steps, and which limit decides it. */
function plannedSteps(config: TrainConfig, loader: StepLoader): { steps: number; limit: string } {
  const t = config.training;
  const perEpoch = loader.stepsPerEpoch();
  const byEpochs = t.maxEpochs !== null && perEpoch !== null ? Math.max(1, Math.ceil(t.maxEpochs * perEpoch)) : null;
  if (t.maxSteps !== null && (byEpochs === null || t.maxSteps <= byEpochs)) return { steps: t.maxSteps, limit: `reached training.maxSteps (${t.maxSteps})` };
  return { steps: byEpochs!, limit: `reached training.maxEpochs (${t.maxEpochs}: ${byEpochs} steps of ${perEpoch})` };
}

/** Trains as the config says; see TrainOptions for the output directory, resume and interruption. */
export async function train(input: TrainConfigInput | TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const config = parseTrainConfig(input);
  const t = config.training;
  const emit = options.onEvent ?? (() => undefined);
  // the output directory is checked before any work, so a bad --out fails at once
  const run = options.out ? RunDir.open(options.out, { resume: options.resume, overwrite: options.overwrite }) : null;
  const task = createTask(config);
  const log = (e: TrainEvent) => {
    run?.log(e.type === 'start' ? { ...e, config: undefined } : e);
    emit(e);
  };

  manualSeed(config.seed);
  const model = task.buildModel();
  if (config.training.gradientCheckpointing !== false) setGradientCheckpointing(model, config.training.gradientCheckpointing);
  // after the seeded init, so the run's random draws (dropout, batches) are the same as without it
  if (config.model.initFrom) loadWeights(model, config.model.initFrom);
  const params = model.parameters();
  const optimizer = buildOptimizer(config, model);
  const loader = task.createLoader();
  const plan = plannedSteps(config, loader);
  checkScheduleLength(config.schedule, plan.steps, t.maxSteps !== null ? 'training.maxSteps' : 'training.maxEpochs');
  const finetuneSteps = config.finetune?.steps ?? 0;
  const totalSteps = plan.steps + finetuneSteps;
  const scheduler: TrainScheduler | null = buildScheduler(config, optimizer, plan.steps);
  const stepScheduler = scheduler && 'lrAt' in scheduler ? scheduler : null;
  // fp16 gradients underflow without loss scaling; bf16 has fp32's range and needs none unless asked
  const scaler = (t.lossScaling ?? t.precision === 'fp16') ? new GradScaler() : null;

  let state: TrainState = { ...initialState(), loader: loader.state(), rng: { global: getRngState() }, optimizer: optimizer.stateDict(), scheduler: scheduler?.stateDict() ?? null };
  let resumedFrom: number | null = null;
  if (options.resume && run) {
    const steps = listCheckpoints(run.path);
    if (steps.length === 0) throw new InputError(`${run.path} has no checkpoint to resume from (checkpoints are written every training.checkpointEvery steps, or at each evaluation)`, run.path);
    const ck = loadCheckpoint(run.path, steps[steps.length - 1]!);
    loadWeightsFrom(model, ck.weights, join(ck.path, 'model.safetensors'));
    optimizer.loadStateDict(ck.state.optimizer as never);
    if (scheduler && ck.state.scheduler) scheduler.loadStateDict(ck.state.scheduler as never);
    if (scaler && ck.state.gradScaler) scaler.loadStateDict(ck.state.gradScaler);
    loader.loadState(ck.state.loader);
    setRngState(ck.state.rng.global!);
    state = ck.state;
    resumedFrom = state.step;
    run.truncateMetrics(state.step);
  }
  run?.writeRunInfo(config, config.seed, options.resume ? run.readRunInfo() : null, resumedFrom);
  log({
    type: 'start', step: state.step, config, description: task.describe(model), parameters: model.numParameters(), trainable: model.numParameters({ trainableOnly: true }),
    totalSteps, backend: getBackend().name, resumedFrom,
  });
  const warning = scheduleWarning(config.schedule, plan.steps);
  if (warning && resumedFrom === null) log({ type: 'warning', step: 0, message: warning });

  const finetune = config.finetune;
  const enterFinetune = () => {
    state.phase = 'finetune';
    state.phaseStep = 0;
    if (finetune!.dropout !== undefined) setDropout(model, finetune!.dropout);
    for (const g of optimizer.paramGroups) g.lr = finetune!.lr;
  };
  if (state.phase === 'finetune') {
    if (finetune!.dropout !== undefined) setDropout(model, finetune!.dropout);
    for (const g of optimizer.paramGroups) g.lr = finetune!.lr;
  }

  const started = performance.now();
  const elapsed = () => state.elapsedSeconds + (performance.now() - started) / 1000;
  let trainMs = 0;
  let padding = 0;
  let positions = 0;
  let bestWeights: Record<string, Tensor> | null = null;
  let stopReason: string | null = null;
  let lastEvalStep = state.history[state.history.length - 1]?.step ?? -1;
  let interrupted = false;

  const checkpoint = () => {
    if (!run) return;
    state.loader = loader.state();
    state.rng = { global: getRngState() };
    state.optimizer = optimizer.stateDict();
    state.scheduler = scheduler?.stateDict() ?? null;
    if (scaler) state.gradScaler = scaler.stateDict();
    const stateToSave = { ...state, elapsedSeconds: elapsed() };
    const path = saveCheckpoint(run.path, stateToSave, toPyTorchStateDict(model), t.keepCheckpoints);
    log({ type: 'checkpoint', step: state.step, path });
  };

  const evaluate = (): EvalRecord | null => {
    const r = task.evaluate(model, 'valid');
    lastEvalStep = state.step;
    if (!r) return null;
    const record: EvalRecord = { step: state.step, loss: r.loss, perplexity: r.perplexity, tokenAccuracy: r.tokenAccuracy, metrics: r.metrics };
    const isBest = improves(r.loss, state.best?.loss ?? null, 0);
    state.history.push(record);
    if (improves(r.loss, state.best?.loss ?? null, t.minDelta)) state.sinceBest = 0;
    else state.sinceBest++;
    if (isBest) {
      state.best = record;
      if (t.saveModel === 'best') bestWeights = snapshot(model);
    }
    log({ type: 'eval', step: state.step, split: 'valid', loss: r.loss, perplexity: r.perplexity, tokenAccuracy: r.tokenAccuracy, ...r.metrics, best: isBest, elapsedSeconds: elapsed() });
    if (scheduler && !stepScheduler) (scheduler as { step(metric: number): void }).step(r.loss);
    return record;
  };

  model.train();
  for (;;) {
    // ---- limits, then the phase change ------------------------------------------------------
    if (state.phase === 'main') {
      if (state.phaseStep >= plan.steps) stopReason = plan.limit;
      // epochs can differ in length (token budgets): the loader's count is the exact limit
      else if (t.maxEpochs !== null && loader.epochs() >= t.maxEpochs) stopReason = `reached training.maxEpochs (${t.maxEpochs})`;
    }
    else if (state.phaseStep >= finetune!.steps) stopReason = `finished fine-tuning (finetune.steps ${finetune!.steps})`;
    if (stopReason === null && t.maxTime !== null && elapsed() >= t.maxTime) stopReason = `reached training.maxTime (${t.maxTime} s)`;
    if (stopReason !== null && state.phase === 'main' && finetune && !stopReason.startsWith('reached training.maxTime')) {
      enterFinetune();
      log({ type: 'phase', step: state.step, phase: 'finetune', lr: finetune.lr, dropout: finetune.dropout ?? null });
      stopReason = null;
      continue;
    }
    if (stopReason !== null) break;

    // ---- one optimizer step -----------------------------------------------------------------
    const stepStart = performance.now();
    const micro: Batch[] = loader.nextStep();
    const tokens = micro.reduce((n, b) => n + b.targetTokens, 0);
    let lossSum = 0;
    for (const batch of micro) {
      // tidy hands the micro-batch's activations and gradients back to the backend's pool at once
      const value = tidy(() => {
        const sum = autocast(t.precision, () => task.loss(model, batch));
        const v = sum.item();
        // normalised by the whole step's target tokens, so accumulation equals one large batch
        if (Number.isFinite(v)) (scaler ? scaler.scale(sum.div(tokens)) : sum.div(tokens)).backward();
        return v;
      });
      if (!Number.isFinite(value)) throw diverged(state.step + 1, `the loss is ${value}`, config, log, elapsed());
      lossSum += value;
      padding += batch.padding;
      positions += batch.tokens;
    }
    options.onGradients?.(state.step + 1, params);
    const lossScale = scaler?.getScale();
    // clipping and the norm see the unscaled gradients; an overflow (Inf/NaN after scaling) skips the step
    if (scaler) tidy(() => scaler.unscale(optimizer));
    const overflow = scaler !== null && scaler.foundInf(optimizer);
    // the norm before clipping; a non-finite one stops the run before the optimizer touches the weights
    const gradNorm = overflow ? NaN : tidy(() => (t.clipGradNorm !== null ? utils.clipGradNorm(params, t.clipGradNorm) : noGrad(() => utils.totalNorm(params.flatMap((p) => (p.grad ? [p.grad] : []))))));
    if (!overflow && !Number.isFinite(gradNorm)) throw diverged(state.step + 1, `the gradient norm is ${gradNorm}`, config, log, elapsed());
    const lr = optimizer.paramGroups[0]!.lr ?? NaN;
    const stepped = scaler ? tidy(() => scaler.step(optimizer)) : (tidy(() => optimizer.step()), true);
    scaler?.update();
    if (!stepped) state.skippedSteps = (state.skippedSteps ?? 0) + 1;
    // a skipped step leaves the schedule where it was (Hugging Face's Trainer does the same)
    if (stepped && stepScheduler && state.phase === 'main') stepScheduler.step();
    optimizer.zeroGrad();
    state.step++;
    state.phaseStep++;
    state.tokens += tokens;
    state.epoch = loader.epochs();
    const ms = performance.now() - stepStart;
    trainMs += ms;
    const loss = lossSum / tokens;
    if (t.convergence) {
      state.recentLosses.push(loss);
      if (state.recentLosses.length > 2 * t.convergence.window) state.recentLosses.shift();
    }
    const stepPadding = micro.reduce((n, b) => n + b.padding, 0) / micro.reduce((n, b) => n + b.tokens, 0);
    log({
      type: 'step', step: state.step, totalSteps, phase: state.phase, epoch: state.epoch, loss, lr, gradNorm, paramNorm: paramNorm(params),
      tokensPerSecond: tokens / (ms / 1000), paddingRatio: stepPadding, elapsedSeconds: elapsed(),
      ...(scaler ? { lossScale, skippedSteps: state.skippedSteps ?? 0 } : {}),
    });

    // ---- evaluation, checkpoints, stopping rules --------------------------------------------
    const evalDue = state.step % t.evalEvery === 0;
    let record: EvalRecord | null = null;
    if (evalDue) record = evaluate();
    const newBest = record !== null && state.best === record;
    if (run && ((t.checkpointEvery === null ? evalDue : state.step % t.checkpointEvery === 0) || newBest)) checkpoint();
    if (state.phase === 'main') {
      if (record) stopReason = earlyStopping(state.history, t.patience, t.minDelta) ?? targetReached(state.history, t);
      stopReason ??= converged(state.recentLosses, t.convergence);
    }
    if (options.signal?.aborted) {
      interrupted = true;
      stopReason = 'interrupted';
      checkpoint();
      break;
    }
    // let signal handlers run between steps
    await new Promise<void>((r) => setImmediate(r));
  }

  if (!interrupted) {
    if (lastEvalStep !== state.step) evaluate();
    checkpoint();
  }
  const paddingRatio = positions ? padding / positions : 0;
  const useBest = t.saveModel === 'best' && bestWeights !== null;
  if (useBest) model.loadStateDict(bestWeights!);
  let test: EvalResult | null = null;
  let samples: Sample[] = [];
  if (!interrupted) {
    test = task.evaluate(model, 'test');
    if (test) log({ type: 'eval', step: state.step, split: 'test', loss: test.loss, perplexity: test.perplexity, tokenAccuracy: test.tokenAccuracy, ...test.metrics, best: false, elapsedSeconds: elapsed() });
    samples = task.samples(model, t.samples);
    if (run) {
      const saved = task.savedConfig(model);
      saveModelDir(
        join(run.path, MODEL_DIR),
        {
          config: { ...saved, training: { steps: state.step, seed: config.seed, model: useBest ? 'best' : 'final', bestStep: state.best?.step ?? null, validation: state.history[state.history.length - 1] ?? null, test, stopReason } },
          weights: toPyTorchStateDict(model),
          files: task.artifacts(),
        },
        options.modelDirWrite,
      );
    }
  }
  log({ type: 'end', step: state.step, epoch: state.epoch, stopReason: stopReason!, elapsedSeconds: elapsed(), trainSeconds: trainMs / 1000, paddingRatio, model: interrupted ? null : useBest ? 'best' : 'final', samples });
  return {
    config, task, model, steps: state.step, stopReason: stopReason!, trainSeconds: trainMs / 1000, elapsedSeconds: (performance.now() - started) / 1000,
    history: state.history, best: state.best, test, samples, interrupted,
  };
}

function snapshot(model: Module): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(model.stateDict())) out[k] = v.clone().detach();
  return out;
}

function diverged(step: number, what: string, config: TrainConfig, log: (e: TrainEvent) => void, elapsedSeconds: number): DivergenceError {
  const lr = config.optimizer.lr;
  const clip = config.training.clipGradNorm;
  const message =
    `training diverged at step ${step}: ${what}. Try a lower learning rate (optimizer.lr is ${lr}), a longer warmup (schedule.warmupSteps)` +
    (clip === null ? ', or gradient clipping (training.clipGradNorm, e.g. 1.0)' : `, or tighter clipping (training.clipGradNorm is ${clip})`) +
    '; the last checkpoint was left as it was';
  log({ type: 'end', step, epoch: 0, stopReason: `diverged: ${what}`, elapsedSeconds, trainSeconds: 0, paddingRatio: 0, model: null, samples: [] });
  return new DivergenceError(step, message);
}
