/**
 * Error classes shared by the library and the CLI. The CLI maps them to exit codes: usage and
 * config problems (the user can fix the command) exit 2, anything else that fails at run time 1.
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
