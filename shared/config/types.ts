import type { PipelineDefinition } from '../definition/types.ts';

/**
 * What a `streamfold.config.ts` exports (as its default export, or as named `pipelines` and `samples`):
 * the pipelines of a project, the role this repository's own `streamfold.config.ts` plays for the examples.
 */
export interface StreamfoldConfig {
  /** The project's pipelines; names must differ. */
  readonly pipelines: readonly PipelineDefinition[];
  /**
   * A sample input per pipeline name, a path relative to the config file: `streamfold dev --demo` makes demo
   * traffic from it, and `produce --generate <name>` sends it.
   * @default {} - no samples
   */
  readonly samples?: Readonly<Record<string, string>>;
}

/** The pipelines a command can name, and where they came from. */
export interface PipelineCatalog {
  readonly pipelines: readonly PipelineDefinition[];
  /** Absolute path of each pipeline's sample input, by pipeline name. */
  readonly samples: ReadonlyMap<string, string>;
  /** Absolute path of the config file that lists them (the deployed handler imports it). */
  readonly configFile: string;
  /** How the file was chosen: `--config` / `STREAMFOLD_CONFIG`, found from the current directory, or the built-in examples. */
  readonly origin: 'option' | 'found' | 'built-in';
}
