/**
 * The CDK app's context (`-c pipelines=…`, `-c alarmEmail=…`, `-c removalPolicy=…`) names something that
 * does not exist or is malformed. The message names the context key and echoes the value.
 */
export class AppContextError extends Error {
  public override readonly name = 'AppContextError';
}
