import { AnnealError } from '../errors.js';

/** A command line the user must change (bad argument or option); exit code 2. */
export class UsageError extends AnnealError {
  override name = 'UsageError';
}
