export {
  type CompareWithReferenceOptions,
  compareWithReference,
  type ReferenceComparison,
} from './compareWithReference.ts';
export { DynamoDbFaultProxy, type DynamoDbFaultProxyOptions } from './DynamoDbFaultProxy.ts';
export { type DynamoDbErrorResponse, dynamoDbErrorResponse } from './dynamoDbErrorResponse.ts';
export { type ReadStreamRecordsOptions, readStreamRecords, type ShardRecords } from './readStreamRecords.ts';
export {
  DYNAMODB_FAULT_KINDS,
  DYNAMODB_WRITE_OPERATIONS,
  type DynamoDbFaultKind,
  type DynamoDbFaultProxyStats,
  type DynamoDbFaultRule,
  type OperationStats,
} from './types.ts';
