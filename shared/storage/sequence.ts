/**
 * Orders Kinesis sequence numbers (decimal strings of up to 128 digits): shorter is smaller, then
 * lexicographic. Never compare them as JavaScript numbers.
 *
 * @example
 * compareSequence('49590338271490256608559692538361571095921575989136588898', '9'); // 1
 */
export const compareSequence = (a: string, b: string): number => {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * The shard id of a Kinesis event record, from its `eventID` (`shardId-000000000000:4959...`).
 *
 * @example
 * shardIdOf('shardId-000000000001:4959'); // 'shardId-000000000001'
 */
export const shardIdOf = (eventId: string): string => {
  const colon = eventId.lastIndexOf(':');
  return colon === -1 ? eventId : eventId.slice(0, colon);
};
