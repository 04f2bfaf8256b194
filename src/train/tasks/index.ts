/** The task a config names. */
import { ConfigError } from '../../errors.js';
import type { TrainConfig } from '../config.js';
import type { Task } from '../task.js';
import { NumbersTask } from './numbers.js';

export { NumbersTask, type NumbersBatch } from './numbers.js';

/** Builds the config's task, reading its data (errors in data files surface here, before training). */
export function createTask(config: TrainConfig): Task {
  switch (config.task) {
    case 'numbers-to-words': return new NumbersTask(config) as unknown as Task;
    default: throw new ConfigError('task', `task ${config.task} is not available yet`);
  }
}
