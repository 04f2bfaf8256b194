/** The option objects of the losses, as zod schemas: a description on each field, unknown keys named with a suggestion. */
import { z } from 'zod';
import { strictOptions, type OptionsSchema } from '../options.js';

const reduction = z.enum(['mean', 'sum', 'none']).optional().describe("'mean' (default) averages over the positions that count, 'sum' adds them, 'none' keeps one value per position");

export const crossEntropyOptions = z.strictObject({
  labelSmoothing: z.number().min(0).max(1).optional().describe('probability mass spread over the classes (Szegedy et al. 2016; default 0)'),
  smoothing: z.enum(['uniform', 'offTarget']).optional().describe("'uniform' (PyTorch's label_smoothing: eps/C to every class) or 'offTarget' (eps/(C-1) to each wrong class, fairseq's form)"),
  ignoreIndex: z.number().int().optional().describe("positions whose target is this count for nothing (PyTorch's default -100)"),
  reduction,
});

export const mseLossOptions = z.strictObject({ reduction });

export type CrossEntropyLossOptions = z.input<typeof crossEntropyOptions>;
export type MseLossOptions = z.input<typeof mseLossOptions>;

const aliases = { label_smoothing: 'labelSmoothing', ignore_index: 'ignoreIndex' };

/** Checks a loss's option object. */
export function lossOptions<S extends OptionsSchema>(schema: S, value: unknown, loss: string): z.output<S> {
  return strictOptions(schema, value, loss, { aliases });
}
