import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { awsClientConfig, parseEndpointOption } from '../../cli/awsOptions.ts';
import { UsageError } from '../../cli/errors.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';

describe('Function: parseEndpointOption', () => {
  it('accepts http and https URLs as given', () => {
    // Act & Assess
    expect(parseEndpointOption('http://127.0.0.1:4567')).toBe('http://127.0.0.1:4567');
    expect(parseEndpointOption('https://dynamodb.eu-west-1.amazonaws.com')).toBe(
      'https://dynamodb.eu-west-1.amazonaws.com',
    );
  });

  it.each(['notaurl', 'localhost:4567', '127.0.0.1:8000', 'ftp://127.0.0.1:21', 'http://', ''])(
    'refuses %j, saying what it takes',
    (value) => {
      // Act & Assess
      expect(() => parseEndpointOption(value)).toThrow(InvalidArgumentError);
      expect(() => parseEndpointOption(value)).toThrow('must be an http:// or https:// URL');
    },
  );
});

describe('Function: awsClientConfig', () => {
  it('refuses an endpoint that is not an http(s) URL from a caller that did not parse it (usage error naming it)', () => {
    // Act & Assess
    expect(() => awsClientConfig({ endpoint: 'localhost:8000' })).toThrow(UsageError);
    expect(() => awsClientConfig({ endpoint: 'localhost:8000' })).toThrow('(given "localhost:8000")');
    expect(awsClientConfig({ endpoint: 'http://127.0.0.1:8000' })).toMatchObject({
      endpoint: 'http://127.0.0.1:8000',
    });
  });
});

describe('streamfold: an endpoint that is not a URL', () => {
  it.each([
    [
      ['query', 'ohlc', '--endpoint', 'localhost:8000'],
      "option '--endpoint <url>' argument 'localhost:8000'",
    ],
    [
      ['produce', 'trades', '--input', 'samples/trades.ndjson', '--endpoint', 'notaurl'],
      "option '--endpoint <url>' argument 'notaurl'",
    ],
    [
      ['dev', '--kinesis-endpoint', '127.0.0.1:4567'],
      "option '--kinesis-endpoint <url>' argument '127.0.0.1:4567'",
    ],
    [['dev', '--dynamodb-endpoint', 'x'], "option '--dynamodb-endpoint <url>' argument 'x'"],
    [['replay', 'ohlc', '--kinesis-endpoint', 'x'], "option '--kinesis-endpoint <url>' argument 'x'"],
  ])('is a usage error naming the option and the value: %j', (args, named) => {
    // Act
    const { code, stderr } = runCliProcess(args);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain(`${named} is invalid. must be an http:// or https:// URL`);
  });
});
