/** The task a config names. */
import type { TrainConfig } from '../config.js';
import type { Task } from '../task.js';
import type { Tokenizer } from '../../data/index.js';
import { LanguageModelTask } from './languageModel.js';
import { NumbersTask } from './numbers.js';
import { Seq2SeqTask } from './seq2seq.js';

export { NumbersTask, type NumbersBatch } from './numbers.js';
export { LanguageModelTask, savedTokenizer, scoreTextFile, scoreWindows, type LanguageModelBatch } from './languageModel.js';
export { TOKENIZER_FILE } from './models.js';
export { Seq2SeqTask, translateIds, type Seq2SeqTaskBatch } from './seq2seq.js';

/**
 * Builds the config's task, reading its data (errors in data files surface here, before training).
 * A saved model's tokenizer can replace the one the task would build from its training text.
 */
export function createTask(config: TrainConfig, options: { tokenizer?: Tokenizer } = {}): Task {
  switch (config.task) {
    case 'numbers-to-words': return new NumbersTask(config) as unknown as Task;
    case 'language-model': return new LanguageModelTask(config, options) as unknown as Task;
    case 'seq2seq': return new Seq2SeqTask(config, options) as unknown as Task;
  }
}
