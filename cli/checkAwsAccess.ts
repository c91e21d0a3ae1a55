import type { AwsCliOptions } from './awsOptions.ts';
import { AwsSetupError } from './errors.ts';

/** The part of an SDK client's resolved configuration that says where and as whom it will call AWS. */
export interface AwsAccessConfig {
  readonly config: {
    readonly region: () => Promise<string>;
    readonly credentials: () => Promise<unknown>;
  };
}

/** What every networked command prints without a region. */
export const NO_REGION_MESSAGE = 'No AWS region: give --region or set AWS_REGION';

/** What every networked command prints without credentials (for a profile: naming it). */
export const noCredentialsMessage = (profile: string | undefined): string =>
  profile === undefined
    ? 'No AWS credentials found: configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID) or give --profile, or use a local stack with --endpoint'
    : `No AWS credentials found for profile "${profile}": check it with \`aws configure list --profile ${profile}\``;

/**
 * Resolves the client's region and credentials before any request is sent, so that every networked
 * command fails the same way, at once, with one line, when AWS is not set up: no region, no credentials,
 * or a profile without them. Returns the region.
 *
 * @throws {AwsSetupError} saying what is missing and how to give it.
 * @example
 * const { region } = await checkAwsAccess(client, options);
 */
export const checkAwsAccess = async (
  client: AwsAccessConfig,
  options: AwsCliOptions,
): Promise<{ region: string }> => {
  let region: string;
  try {
    region = await client.config.region();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AwsSetupError(
      message === 'Region is missing' ? NO_REGION_MESSAGE : `Cannot tell the AWS region: ${message}`,
      { cause: error },
    );
  }
  if (region === '') throw new AwsSetupError(NO_REGION_MESSAGE);
  try {
    await client.config.credentials();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const none =
      (error as Error).name === 'CredentialsProviderError' &&
      (options.profile !== undefined || /from any providers/.test(message));
    throw new AwsSetupError(
      none
        ? noCredentialsMessage(options.profile)
        : `Cannot load AWS credentials${options.profile === undefined ? '' : ` of profile "${options.profile}"`}: ${message}`,
      { cause: error },
    );
  }
  return { region };
};
