/** The seeds' lessons as runnable demos: warmup, label smoothing, schedules. */
import type { DemoOptions, DemoResult } from './common.js';
import { labelSmoothingDemo } from './labelSmoothing.js';
import { schedulesDemo } from './schedules.js';
import { warmupDemo } from './warmup.js';

export { warmupDemo, warmupDefaults } from './warmup.js';
export { labelSmoothingDemo, labelSmoothingDefaults, validationCalibration } from './labelSmoothing.js';
export { schedulesDemo, schedulesDefaults } from './schedules.js';
export { demoBase, summaryTable, type DemoOptions, type DemoResult, type DemoVariant, type VariantSummary } from './common.js';

export const demoNames = ['warmup', 'label-smoothing', 'schedules'] as const;
export type DemoName = (typeof demoNames)[number];

/** Runs a demo by name. */
export function runDemo(name: DemoName, options: DemoOptions): Promise<DemoResult & { table: string }> {
  switch (name) {
    case 'warmup': return warmupDemo(options);
    case 'label-smoothing': return labelSmoothingDemo(options);
    case 'schedules': return schedulesDemo(options);
  }
}
