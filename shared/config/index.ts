// The part of the config module a config file uses. Loading configs (`loadCatalog`, which brings in the
// TypeScript loader) is for the CLI and the CDK app: import it from its own module, not from here, so that a
// config bundled into a Lambda does not bundle the loader.
export { defineConfig } from './defineConfig.ts';
export { ConfigError } from './errors.ts';
export { CONFIG_FILE_NAMES, findConfigFile } from './findConfigFile.ts';
export type { PipelineCatalog, StreamfoldConfig } from './types.ts';
