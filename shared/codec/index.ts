export { ByteReader } from './ByteReader.ts';
export { ByteWriter } from './ByteWriter.ts';
export { CodecError } from './errors.ts';
