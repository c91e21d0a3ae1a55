/** Base class of every error the producer throws. */
export class ProducerError extends Error {
  public override readonly name: string = 'ProducerError';
}

/**
 * A record is larger than a Kinesis record may be (its data plus its partition key). Thrown by
 * `Producer.put` before anything is buffered, so the caller knows which record it was.
 */
export class RecordTooLargeError extends ProducerError {
  public override readonly name = 'RecordTooLargeError';

  public constructor(
    /** The record's size: data bytes plus partition key bytes (UTF-8). */
    public readonly sizeBytes: number,
    /** The limit it exceeds. */
    public readonly limitBytes: number,
  ) {
    super(
      `Record of ${sizeBytes} bytes (data plus partition key) exceeds the Kinesis record limit of ${limitBytes} bytes`,
    );
  }
}

/** `put` was called on (or was still waiting in) a producer that is closing or closed. */
export class ProducerClosedError extends ProducerError {
  public override readonly name = 'ProducerClosedError';
}

/**
 * The stream cannot be written at all (a PutRecords call failed with an error no retry can fix, such as
 * `ResourceNotFoundException` or `AccessDeniedException`). Every later `put` throws it; `cause` is the
 * SDK error.
 */
export class StreamUnavailableError extends ProducerError {
  public override readonly name = 'StreamUnavailableError';
}

/** An option of the producer, a rate limiter or a source is out of range; the message echoes the value. */
export class ProducerOptionError extends ProducerError {
  public override readonly name = 'ProducerOptionError';
}

/** Some records could not be put after every retry; the message says how many and why. */
export class RecordsNotPutError extends ProducerError {
  public override readonly name = 'RecordsNotPutError';
}

/** A record's partition key or explicit hash key is not one Kinesis accepts; thrown by `put` up front. */
export class InvalidRecordError extends ProducerError {
  public override readonly name = 'InvalidRecordError';
}
