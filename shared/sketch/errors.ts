/**
 * Raised when a sketch is misused: an invalid parameter or value, or a merge of sketches whose
 * parameters differ. The message names the offending values. Bytes that cannot be decoded raise
 * `CodecError` from `shared/codec` instead.
 *
 * @example
 * throw new SketchError('Cannot merge HyperLogLog of precision 12 into precision 14');
 */
export class SketchError extends Error {
  public override readonly name = 'SketchError';
}
