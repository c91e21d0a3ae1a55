import { ProducerError } from '../errors.ts';

/** A pipeline cannot be retimed: its event time is the arrival time, so records carry no time to shift. */
export class RetimeConfigError extends ProducerError {
  public override readonly name = 'RetimeConfigError';
}
