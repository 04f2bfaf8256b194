import { AnnealError } from '../errors.js';

/** The backend asked for (ANNEAL_BACKEND, setBackend) cannot run here. */
export class BackendError extends AnnealError {
  override name = 'BackendError';
}
