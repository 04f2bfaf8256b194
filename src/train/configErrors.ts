/**
 * Turns zod validation issues into a ConfigError that names the field and lists what is allowed. The
 * implementation is shared by every option object and lives in src/options.ts; this path stays for the
 * config's imports.
 */
export { parseConfig } from '../options.js';
