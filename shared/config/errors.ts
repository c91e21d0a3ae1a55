/**
 * A streamfold config file that cannot be found, loaded or read, or a pipeline name it does not list.
 * The message says which file (or name) and what was wrong with it.
 */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';
}
