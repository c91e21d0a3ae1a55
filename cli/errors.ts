/** A mistake in how the command was called (exit code 2): bad option, unknown pipeline, missing file. */
export class UsageError extends Error {
  public override readonly name = 'UsageError';
}

/** The AWS service a networked command talks to. */
export type AwsServiceName = 'DynamoDB' | 'Kinesis';

/**
 * AWS cannot be used as configured — no region, no credentials, or a profile that has none — found
 * before any request is sent (exit code 1).
 */
export class AwsSetupError extends Error {
  public override readonly name = 'AwsSetupError';
}

/**
 * The endpoint a command talks to cannot serve it: another service answered, nothing answered in time,
 * or nothing listens there. The message names the endpoint and says what to check.
 */
export class EndpointError extends Error {
  public override readonly name: string = 'EndpointError';

  public constructor(
    message: string,
    /** `--endpoint`, or the AWS region's endpoint the SDK chose. */
    public readonly endpoint: string,
    /** The service the command expected there. */
    public readonly service: AwsServiceName,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The endpoint answered, but not as the expected service would (another service, a web page, a proxy). */
export class WrongServiceError extends EndpointError {
  public override readonly name = 'WrongServiceError';
}

/**
 * The endpoint did not answer in time (connection or request timeout). Retryable: `$retryable` is the
 * AWS SDK's mark of an error worth retrying, which the producer's and the reader's retries honour.
 */
export class EndpointTimeoutError extends EndpointError {
  public override readonly name = 'EndpointTimeoutError';
  public readonly $retryable = {};
}

/** Nothing answers at the endpoint (connection refused or reset, unknown host). Retryable, like a 5xx. */
export class EndpointUnreachableError extends EndpointError {
  public override readonly name = 'EndpointUnreachableError';
  public readonly $retryable = {};
}

/**
 * Process exit codes of the `streamfold` command. `interrupted` is 128 + SIGINT, what a shell reports for
 * a command Ctrl-C ended: the status of a command interrupted before it could finish (`produce` and
 * `dev` stop cleanly on the first Ctrl-C and exit 130 on a second one).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
