import { AwsAccessError, IndexNotFoundError, QueryError, TableNotFoundError } from './errors.ts';

const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
]);

/**
 * Turns the AWS SDK errors a reader meets into errors that say what to do: a missing table, a missing
 * index, missing or rejected credentials, no region, retries stopped by the deadline. Other errors are
 * returned unchanged.
 *
 * @example
 * catch (error) { throw translateAwsError(error, 'streamfold-ohlc-results', 'rank-volume'); }
 */
export const translateAwsError = (error: unknown, tableName: string, indexName?: string): unknown => {
  if (!(error instanceof Error)) return error;
  const options = { cause: error };
  if (error.name === 'ResourceNotFoundException') return new TableNotFoundError(tableName, options);
  if (
    error.name === 'ValidationException' &&
    indexName !== undefined &&
    /specified index|index/i.test(error.message)
  ) {
    return new IndexNotFoundError(tableName, indexName, options);
  }
  if (error.name === 'CredentialsProviderError') {
    return new AwsAccessError(
      'No AWS credentials found: configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID) or use a local endpoint',
      options,
    );
  }
  if (error.message === 'Region is missing') {
    return new AwsAccessError('No AWS region: set AWS_REGION or give a region', options);
  }
  if (REJECTED_CREDENTIALS.has(error.name)) {
    return new AwsAccessError(`AWS rejected the credentials (${error.name}): ${error.message}`, options);
  }
  if (error.name === 'DeadlineError') {
    return new QueryError(
      `Reading results table "${tableName}" took longer than allowed (${error.message}); retry, or read a shorter range`,
      options,
    );
  }
  if (error.name === 'AccessDeniedException') {
    return new AwsAccessError(`Access denied reading table "${tableName}": ${error.message}`, options);
  }
  return error;
};
