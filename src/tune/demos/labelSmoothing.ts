/**
 * `anneal demo label-smoothing`: the same Transformer trained with and without label smoothing
 * (Szegedy et al. 2016) from the same seed, compared on validation loss, perplexity (the plain
 * cross-entropy, which smoothing does not flatter), token accuracy, and calibration: the expected
 * calibration error of the max-softmax confidence over the validation tokens (Guo et al. 2017), with
 * a reliability diagram. A model trained on hard targets grows confident beyond its accuracy on what
 * it has not seen; smoothing caps the confidence at 1 - eps + eps/C (Müller et al. 2019, "When does
 * label smoothing help?").
 */
import { calibrationError, decoderInput, type CalibrationBin } from '../../loss/index.js';
import type { TransformerSeq2Seq } from '../../nn/index.js';
import { noGrad } from '../../tensor/index.js';
import type { NumbersTask } from '../../train/tasks/numbers.js';
import { demoBase, num, pct, summaryHtml, summaryTable, trainVariants, writeDemo, type DemoOptions, type DemoResult, type VariantSummary } from './common.js';

export const labelSmoothingDefaults = { steps: 600, smoothing: 0.1, trainSize: 300, bins: 10 };

/** Calibration of a numbers-to-words model on its validation split, per target token (padding left out). */
export function validationCalibration(task: NumbersTask, model: TransformerSeq2Seq, numBins: number): { ece: number; maxError: number; bins: CalibrationBin[]; count: number } {
  const data = task.data;
  return noGrad(() => {
    model.eval();
    const b = data.batch(data.valid);
    const logits = model.forward(b.src, decoderInput(b.tgt));
    const target = b.tgt.narrow(1, 1, b.tgt.shape[1]! - 1);
    const l1 = calibrationError(logits, target, { numBins, ignoreIndex: data.tgtVocab.padId });
    const max = calibrationError(logits, target, { numBins, ignoreIndex: data.tgtVocab.padId, norm: 'max' });
    return { ece: l1.ece, maxError: max.ece, bins: l1.bins, count: l1.count };
  });
}

export async function labelSmoothingDemo(options: DemoOptions & { smoothing?: number; trainSize?: number | null }): Promise<DemoResult & { table: string }> {
  const started = performance.now();
  const steps = options.steps ?? labelSmoothingDefaults.steps;
  const eps = options.smoothing ?? labelSmoothingDefaults.smoothing;
  const trainSize = options.trainSize === undefined ? labelSmoothingDefaults.trainSize : options.trainSize;
  const bins = labelSmoothingDefaults.bins;
  const base = demoBase(steps, options.seed ?? 0, options.validSize) as { data: Record<string, unknown>; training: Record<string, unknown> };
  const config = (smoothing: number) => ({
    ...base,
    // a fixed training set, seen many times: the regime where a model's confidence outruns its accuracy
    data: { ...base.data, trainSize },
    optimizer: { name: 'adamw', lr: 1 },
    schedule: { name: 'noam', warmupSteps: 100, factor: 0.1 },
    training: { ...base.training, labelSmoothing: smoothing },
  });
  const runs = await trainVariants(
    [
      { id: 'hard-targets', label: 'no label smoothing', config: config(0) },
      { id: 'smoothed', label: `label smoothing ${eps}`, config: config(eps) },
    ],
    options,
  );
  const calibration = runs.map((r) => (r.result ? validationCalibration(r.result.task as NumbersTask, r.result.model as TransformerSeq2Seq, bins) : null));
  runs.forEach((r, i) => {
    r.summary.ece = calibration[i]?.ece ?? null;
    r.summary.maxCalibrationError = calibration[i]?.maxError ?? null;
    r.summary.meanConfidence = calibration[i] ? calibration[i]!.bins.reduce((s, b) => s + b.count * b.confidence, 0) / calibration[i]!.count : null;
    r.summary.reliability = calibration[i]?.bins ?? null;
  });
  const [hard, soft] = runs.map((r) => r.summary) as [VariantSummary, VariantSummary];
  const ece = (s: VariantSummary) => num(s.ece as number, 3);
  const confidence = (s: VariantSummary) => {
    const c = s.meanConfidence as number;
    const a = s.final?.tokenAccuracy ?? NaN;
    return `mean confidence ${pct(c)} against token accuracy ${pct(a)} (${c > a ? 'overconfident' : 'underconfident'}), ECE ${ece(s)}`;
  };
  const lesson =
    `On ${trainSize === null ? 'fresh numbers' : `${trainSize} training numbers, each seen about ${Math.round((steps * 64) / (trainSize ?? 1))} times`}: ` +
    `with hard targets, validation perplexity ${num(hard.final?.perplexity, 3)}, ${confidence(hard)}; ` +
    `with label smoothing ${eps}, perplexity ${num(soft.final?.perplexity, 3)}, ${confidence(soft)}. ` +
    'The smoothed model\'s validation loss includes the smoothing term, so compare perplexity, not loss; its confidence cannot exceed 1 - eps + eps/C.';

  const { chartSvg, palette } = await import('../../plot/index.js');
  const reliability = {
    id: 'reliability',
    title: 'Reliability diagram (validation tokens)',
    svg: await chartSvg({
      title: 'Reliability diagram (validation tokens)',
      subtitle: `${bins} equal-width bins of max-softmax confidence; below the diagonal: overconfident`,
      xLabel: 'confidence (mean in the bin)', yLabel: 'accuracy in the bin', logY: false, xDomain: [0, 1], yDomain: [0, 1], legend: 'bottom', width: 420, height: 420,
      series: [
        { name: 'perfect calibration', x: [0, 1], y: [0, 1], style: { color: '#999', dash: [4, 4], width: 1.2 } },
        ...runs.flatMap((r, i) => {
          const used = (calibration[i]?.bins ?? []).filter((b) => b.count > 0);
          return used.length ? [{ name: `${r.variant.label} (ECE ${ece(r.summary)})`, x: used.map((b) => b.confidence), y: used.map((b) => b.accuracy), style: { color: palette[i], points: true, width: 2 } }] : [];
        }),
      ],
    }),
  };
  const curves = {
    id: 'label-smoothing',
    title: 'Validation perplexity and token accuracy',
    svg: await chartSvg({
      title: 'Validation perplexity with and without label smoothing',
      subtitle: `numbers-to-words, d 32, Noam, seed ${options.seed ?? 0}; perplexity = exp of the plain cross-entropy`,
      xLabel: 'step', yLabel: 'validation perplexity', legend: 'bottom',
      series: runs.map((r, i) => ({ name: r.variant.label, x: r.run.evals.map((e) => e.step), y: r.run.evals.map((e) => e.perplexity), style: { color: palette[i], points: true } })),
    }),
  };
  const columns: [string, (r: VariantSummary) => string][] = [
    ['valid loss', (r) => num(r.final?.loss)],
    ['perplexity', (r) => num(r.final?.perplexity)],
    ['token acc.', (r) => pct(r.final?.tokenAccuracy)],
    ['exact match', (r) => pct(r.final?.exactMatch)],
    ['mean confidence', (r) => pct(r.meanConfidence as number)],
    ['ECE', (r) => num(r.ece as number, 3)],
    ['max cal. error', (r) => num(r.maxCalibrationError as number, 3)],
    ['seconds', (r) => r.seconds.toFixed(1)],
  ];
  const variants = runs.map((r) => r.summary);
  const table = summaryTable(variants, columns);
  const summary = { demo: 'label-smoothing', lesson, smoothing: eps, trainSize, steps, seed: options.seed ?? 0, bins, variants };
  const files = await writeDemo(options, {
    name: 'label-smoothing', title: 'anneal demo label-smoothing', lesson, charts: [curves, reliability], runs: runs.map((r) => r.run), summary, table,
    tableHtml: (escape) => summaryHtml(variants, columns, escape),
  });
  return { demo: 'label-smoothing', lesson, variants, files, seconds: (performance.now() - started) / 1000, table };
}
