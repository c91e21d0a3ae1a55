import type { PipelineDefinition } from '../../shared/definition/types.ts';

/** A required environment variable is missing or names nothing known. */
export class ConfigurationError extends Error {
  public override readonly name = 'ConfigurationError';
}

/** The function's configuration, from its environment (set by the CDK construct or the local runner). */
export interface FunctionConfig {
  readonly definition: PipelineDefinition;
  readonly resultsTable: string;
  readonly deadLetterTable: string;
  readonly safetyMarginMs: number;
  readonly concurrency: number;
  /** Set locally: the DynamoDB endpoint to use instead of AWS's. */
  readonly dynamoDbEndpoint: string | undefined;
  /** `LOG_PAYLOADS=true` logs set-aside records with their payloads (debug level; off by default). */
  readonly logPayloads: boolean;
}

const required = (env: NodeJS.ProcessEnv, name: string): string => {
  const value = env[name];
  if (value === undefined || value === '')
    throw new ConfigurationError(`Environment variable ${name} is not set`);
  return value;
};

const positiveInt = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new ConfigurationError(
      `Environment variable ${name} must be a non-negative integer (given "${text}")`,
    );
  }
  return value;
};

/**
 * Reads `PIPELINE_NAME`, `RESULTS_TABLE`, `DEAD_LETTER_TABLE` and the optional `SAFETY_MARGIN_MS`,
 * `WRITE_CONCURRENCY`, `DYNAMODB_ENDPOINT`, `LOG_PAYLOADS`.
 *
 * @param pipelines - the pipelines of the config the function was built with (the deployed handler imports it)
 * @example
 * const config = readConfig(process.env, config.pipelines);
 */
export const readConfig = (
  env: NodeJS.ProcessEnv,
  pipelines: readonly PipelineDefinition[],
): FunctionConfig => {
  const name = required(env, 'PIPELINE_NAME');
  const definition = pipelines.find((p) => p.name === name);
  if (definition === undefined) {
    throw new ConfigurationError(
      `PIPELINE_NAME "${name}" names no pipeline of the bundled config (known: ${pipelines.map((p) => p.name).join(', ')})`,
    );
  }
  return {
    definition,
    resultsTable: required(env, 'RESULTS_TABLE'),
    deadLetterTable: required(env, 'DEAD_LETTER_TABLE'),
    safetyMarginMs: positiveInt(env, 'SAFETY_MARGIN_MS', 3000),
    concurrency: Math.max(1, positiveInt(env, 'WRITE_CONCURRENCY', 16)),
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT === '' ? undefined : env.DYNAMODB_ENDPOINT,
    logPayloads: env.LOG_PAYLOADS === 'true',
  };
};
