/** A numbers-to-words config small enough to train in well under a second, for tests of the loop. */
export const tinyNumbers = {
  task: 'numbers-to-words',
  seed: 0,
  data: { maxDigits: 3, validSize: 20, testSize: 20 },
  model: { dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0 },
  optimizer: { name: 'adamw', lr: 3e-3 },
  schedule: { name: 'cosine', warmupSteps: 5 },
  training: { maxSteps: 20, batchSize: 16, evalEvery: 10, samples: 0 },
} as const;

/** tinyNumbers with parts replaced (a shallow merge per section; a schedule is replaced whole). */
export function tiny(overrides: Record<string, Record<string, unknown> | number | string | null> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...tinyNumbers };
  for (const [k, v] of Object.entries(overrides)) {
    const base = (tinyNumbers as Record<string, unknown>)[k];
    out[k] = k !== 'schedule' && v !== null && typeof v === 'object' && typeof base === 'object' ? { ...(base as object), ...v } : v;
  }
  return out;
}
