/** Which local implementation a {@link LocalService} runs. */
export type LocalServiceKind = 'dynalite' | 'dynamodb-local' | 'kinesis-local';

/**
 * A real local AWS service implementation listening on a loopback port.
 *
 * Wire SDK clients to it with `dynamoDbClient(service.endpoint)` or `kinesisClient(service.endpoint)`.
 */
export interface LocalService {
  /** Base URL for SDK clients, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** The plain-HTTP port the service listens on. */
  readonly port: number;
  /** Which implementation runs behind {@link LocalService.endpoint}. */
  readonly kind: LocalServiceKind;
  /** Stops the service and releases its port. Safe to call more than once. */
  stop(): Promise<void>;
}

/** The local Kinesis service, which can also be restarted in place on the same ports. */
export interface KinesisLocalService extends LocalService {
  readonly kind: 'kinesis-local';
  /** The HTTPS port (self-signed certificate) kinesis-mock also listens on. */
  readonly tlsPort: number;
  /** Where streams are persisted, or `undefined` when state lives only in memory. */
  readonly persistDir: string | undefined;
  /**
   * Stops the emulator and starts it again on the same ports, so existing clients keep working.
   * In-memory state (every stream) is lost unless `persistDir` was given.
   */
  restart(): Promise<void>;
}
