export { dynamoDbClient, kinesisClient, type LocalClientConfig, localClientConfig } from './clients.ts';
export { LocalServiceError } from './errors.ts';
export { freePort, isPortAnswering } from './freePort.ts';
export { type StartDynaliteOptions, startDynalite } from './startDynalite.ts';
export {
  defaultDynamoDbLocalCacheDir,
  type EnsureDynamoDbLocalOptions,
  ensureDynamoDbLocal,
  isJavaAvailable,
  type StartDynamoDbLocalOptions,
  startDynamoDbLocal,
} from './startDynamoDbLocal.ts';
export { type StartKinesisLocalOptions, startKinesisLocal } from './startKinesisLocal.ts';
export type { KinesisLocalService, LocalService, LocalServiceKind } from './types.ts';
