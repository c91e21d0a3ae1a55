/** One log event inside a CloudWatch Logs subscription envelope. */
export interface CloudWatchLogEvent {
  readonly id: string;
  /** Event time in epoch milliseconds, as CloudWatch Logs recorded it. */
  readonly timestamp: number;
  /** The log line; this is what the format decoder reads. */
  readonly message: string;
}

/** The JSON document a CloudWatch Logs subscription filter writes (gzipped) into each Kinesis record. */
export interface CloudWatchLogsEnvelope {
  readonly messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly CloudWatchLogEvent[];
}

/**
 * Outcome of {@link parseCloudWatchEnvelope}:
 * - `not-envelope`: the text is not a subscription envelope; decode it as an ordinary payload.
 * - `control`: a `CONTROL_MESSAGE` (a reachability check from CloudWatch Logs); it carries no data.
 * - `data`: a `DATA_MESSAGE`; each log event's `message` is one payload, its index the `line`.
 * - `malformed`: an envelope whose shape is wrong; the whole record is rejected.
 */
export type CloudWatchParseResult =
  | { readonly kind: 'not-envelope' }
  | { readonly kind: 'control' }
  | { readonly kind: 'data'; readonly envelope: CloudWatchLogsEnvelope }
  | { readonly kind: 'malformed'; readonly reason: 'cloudwatch-envelope'; readonly message: string };

const NOT_ENVELOPE: CloudWatchParseResult = { kind: 'not-envelope' };
const CONTROL: CloudWatchParseResult = { kind: 'control' };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describeValue = (value: unknown): string => {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
};

const malformed = (message: string): CloudWatchParseResult => ({
  kind: 'malformed',
  reason: 'cloudwatch-envelope',
  message: `CloudWatch Logs envelope ${message}`,
});

/** Returns an error message, or `undefined` when the event is well formed. */
const checkEvent = (event: unknown, index: number): string | undefined => {
  if (!isObject(event)) return `logEvents[${index}] is ${describeValue(event)}, expected an object`;
  if (typeof event.id !== 'string')
    return `logEvents[${index}].id is ${describeValue(event.id)}, expected a string`;
  if (typeof event.timestamp !== 'number' || !Number.isFinite(event.timestamp)) {
    return `logEvents[${index}].timestamp is ${describeValue(event.timestamp)}, expected a number`;
  }
  if (typeof event.message !== 'string') {
    return `logEvents[${index}].message is ${describeValue(event.message)}, expected a string`;
  }
  return undefined;
};

/**
 * Recognises and validates a CloudWatch Logs subscription envelope in an (already gunzipped) text.
 *
 * Detection is cheap and conservative: the text must contain `"messageType"`, parse as a JSON object,
 * and either have both `messageType` and `logEvents` keys or a `messageType` of `DATA_MESSAGE` /
 * `CONTROL_MESSAGE`. Anything else is `not-envelope` and is decoded as ordinary text. A
 * `CONTROL_MESSAGE` is accepted whatever its other fields hold, since it carries no data. Never throws.
 *
 * @example
 * const result = parseCloudWatchEnvelope(gunzippedText);
 * if (result.kind === 'data') for (const event of result.envelope.logEvents) console.log(event.message);
 */
export const parseCloudWatchEnvelope = (text: string): CloudWatchParseResult => {
  if (!text.includes('"messageType"')) return NOT_ENVELOPE;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return NOT_ENVELOPE;
  }
  if (!isObject(root) || !Object.hasOwn(root, 'messageType')) return NOT_ENVELOPE;
  const { messageType } = root;
  const known = messageType === 'DATA_MESSAGE' || messageType === 'CONTROL_MESSAGE';
  if (!known && !Object.hasOwn(root, 'logEvents')) return NOT_ENVELOPE;

  if (messageType === 'CONTROL_MESSAGE') return CONTROL;
  if (!known)
    return malformed(
      `messageType is ${describeValue(messageType)}, expected DATA_MESSAGE or CONTROL_MESSAGE`,
    );
  for (const key of ['owner', 'logGroup', 'logStream'] as const) {
    if (typeof root[key] !== 'string')
      return malformed(`${key} is ${describeValue(root[key])}, expected a string`);
  }
  const { subscriptionFilters, logEvents } = root;
  if (!Array.isArray(subscriptionFilters) || !subscriptionFilters.every((f) => typeof f === 'string')) {
    return malformed(
      `subscriptionFilters is ${describeValue(subscriptionFilters)}, expected an array of strings`,
    );
  }
  if (!Array.isArray(logEvents))
    return malformed(`logEvents is ${describeValue(logEvents)}, expected an array`);
  for (let i = 0; i < logEvents.length; i++) {
    const problem = checkEvent(logEvents[i], i);
    if (problem !== undefined) return malformed(problem);
  }
  return { kind: 'data', envelope: root as unknown as CloudWatchLogsEnvelope };
};
