/**
 * A `StreamAggregation` configuration that cannot work: raised at `cdk synth`, before any resource is
 * created. The message names the pipeline, the prop and the value given.
 *
 * @example
 * throw new StreamAggregationError('ohlc', 'batchSize', 20_000, 'must be an integer between 1 and 10000 inclusive');
 * // Pipeline "ohlc": batchSize must be an integer between 1 and 10000 inclusive (given 20000)
 */
export class StreamAggregationError extends Error {
  public override readonly name = 'StreamAggregationError';

  public constructor(
    /** The pipeline whose construct refused its props. */
    public readonly pipeline: string,
    /** The prop (or definition field) at fault. */
    public readonly prop: string,
    /** The value given, as echoed in the message. */
    public readonly given: string | number,
    problem: string,
  ) {
    super(`Pipeline "${pipeline}": ${prop} ${problem} (given ${given})`);
  }
}

/**
 * The functions cannot be bundled as configured: no lock file in the project that `cdk synth` runs in.
 *
 * @example
 * throw new BundlingSetupError('No lock file (package-lock.json, …) in /home/me/shop or above: run npm install first');
 */
export class BundlingSetupError extends Error {
  public override readonly name = 'BundlingSetupError';
}
