/**
 * An environment with no AWS configuration at all: no AWS_* variable of the caller's, config and
 * credential files that do not exist, no instance metadata lookups; plus `extra`.
 *
 * @example
 * spawnCli(['query', 'ohlc'], { env: withoutAws({ AWS_REGION: 'eu-west-1' }) });
 */
export const withoutAws = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/streamfold/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/streamfold/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
};
