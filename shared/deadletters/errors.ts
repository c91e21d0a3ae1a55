/** A dead-letter table could not be read as expected (missing letter, malformed item). */
export class DeadLetterError extends Error {
  public override readonly name: string = 'DeadLetterError';
}

/** No dead letter has the given sort key. */
export class LetterNotFoundError extends DeadLetterError {
  public override readonly name = 'LetterNotFoundError';
}

/** A letter filter is not valid (a range that ends before it starts, an unknown kind). */
export class LetterFilterError extends DeadLetterError {
  public override readonly name = 'LetterFilterError';
}
