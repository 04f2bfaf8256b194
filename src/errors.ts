/**
 * The error classes of anneal: everything it throws is an AnnealError. The classes live beside the
 * code that raises them and all descend from the ones here:
 *
 * - what the user gave is wrong, and they can fix it (the CLI exits 2, one line, no stack):
 *   - ConfigError: a config field or an option has a bad value or an unknown name (UnknownOptionError,
 *     options.ts); it names the field and the allowed values;
 *   - InputError: input data or files anneal cannot use (SafetensorsError, OutputDirError, a bad
 *     tokenizer file, an id outside the vocabulary); it names where the input came from;
 *   - the CLI's UsageError (cli/usage.ts): flags that do not fit together.
 * - a library function was called wrongly (from a program; the CLI exits 1, one line):
 *   - ArgumentError: a bad argument value (ShapeError for shapes that do not fit, tensor/shape.ts;
 *     StateDictError, nn/module.ts; OptimizerError, optim/optimizer.ts);
 *   - AutogradError (tensor/autograd.ts): backward twice, an in-place change autograd cannot follow;
 *   - ReleasedTensorError (tensor/scope.ts): a tensor used after the tidy() that owned it ended.
 * - the run failed (exit 1, one line): DivergenceError (train/trainer.ts), BackendError (the native
 *   addon cannot load, backend/errors.ts), InternalError (a broken invariant: a bug to report).
 *
 * The CLI (cli/main.ts, exitCodeFor) maps them to exit codes; --debug prints the stack.
 */

export class AnnealError extends Error {
  override name = 'AnnealError';
}

/** A config field or option has a bad value; names the field and, when finite, the allowed values. */
export class ConfigError extends AnnealError {
  override name = 'ConfigError';
  constructor(
    readonly field: string,
    message: string,
    readonly allowed?: readonly (string | number)[],
  ) {
    super(`${field}: ${message}${allowed && allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`);
  }
}

/** Input the program cannot use (an unreadable line, a missing file); names where it came from. */
export class InputError extends AnnealError {
  override name = 'InputError';
  constructor(
    message: string,
    readonly source?: string,
  ) {
    super(message);
  }
}

/** A library function got an argument it cannot use (a probability above 1, an index out of range, a wrong dtype). */
export class ArgumentError extends AnnealError {
  override name = 'ArgumentError';
}

/** Something that cannot happen did: a bug in anneal, not in how it was called. */
export class InternalError extends AnnealError {
  override name = 'InternalError';
}
