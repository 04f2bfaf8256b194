/** The package version, in a module of its own so the CLI can print it without loading the library. */
export const version = '0.1.0';
