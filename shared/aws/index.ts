export { AWS_TIMEOUTS, type AwsTimeouts, timedRequestHandler } from './timeouts.ts';
