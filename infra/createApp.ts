import { App, type AppProps, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BUILT_IN_CONFIG } from '../shared/config/loadCatalog.ts';
import { EXAMPLE_PIPELINES } from '../shared/examples/index.ts';
import type { PipelineSource } from './constructs/StreamAggregation.ts';
import { AppContextError } from './errors.ts';
import { selectPipelines } from './selectPipelines.ts';
import { StreamfoldStack } from './stacks/StreamfoldStack.ts';

/** The stack's name (and the prefix of its alarm and dashboard names). */
export const STACK_NAME = 'Streamfold';

const BUILT_IN_SOURCE: PipelineSource = {
  configFile: BUILT_IN_CONFIG,
  pipelines: [...EXAMPLE_PIPELINES.values()],
};

const REMOVAL_POLICIES: Readonly<Record<string, RemovalPolicy>> = {
  retain: RemovalPolicy.RETAIN,
  destroy: RemovalPolicy.DESTROY,
};

/**
 * A string context value, or undefined when absent. `allowEmpty`: an empty value counts as absent;
 * otherwise it is refused — `-c resourcePrefix=$PREFIX` with the variable unset would silently deploy to
 * the default names (or without the alarm's email).
 */
const optionalString = (app: App, key: string, allowEmpty = false): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (value === '') {
    if (allowEmpty) return undefined;
    throw new AppContextError(
      `context ${key} is empty (an unset shell variable?): give a value or leave -c ${key} out`,
    );
  }
  if (typeof value !== 'string') {
    throw new AppContextError(`context ${key} must be a string (given ${JSON.stringify(value)})`);
  }
  return value;
};

/**
 * The streamfold CDK app: one {@link StreamfoldStack} with the pipelines chosen by context, checked by the
 * cdk-nag AwsSolutions rules at synth (an unacknowledged finding fails the synth).
 *
 * The pipelines are those of `source` — a config as `loadCatalog()` returns it (the CDK app `infra/app.ts`
 * and {@link runStreamfoldApp} load it the way every command does), by default the built-in examples.
 *
 * Context: `pipelines` (comma-separated names; default every pipeline of the config), `alarmEmail`,
 * `removalPolicy` (`retain` | `destroy`; default `retain`), `resourcePrefix` (of the table names; default
 * `streamfold`). Account and region come from
 * `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION` when set (the CLI sets them from your credentials);
 * without them the stack is environment-agnostic.
 *
 * @example
 * const app = createApp({ context: { pipelines: 'ohlc' } }, await loadCatalog());
 * app.synth();
 */
export const createApp = (props: AppProps = {}, source: PipelineSource = BUILT_IN_SOURCE): App => {
  const app = new App(props);
  const chosen = selectPipelines(app.node.tryGetContext('pipelines'), source.pipelines);
  const alarmEmail = optionalString(app, 'alarmEmail');
  const resourcePrefix = optionalString(app, 'resourcePrefix');
  const removal = optionalString(app, 'removalPolicy', true);
  const removalPolicy = removal === undefined ? undefined : REMOVAL_POLICIES[removal];
  if (removal !== undefined && removalPolicy === undefined) {
    throw new AppContextError(`context removalPolicy must be "retain" or "destroy" (given "${removal}")`);
  }
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  new StreamfoldStack(app, STACK_NAME, {
    description: `streamfold: windowed analytics, Kinesis -> Lambda -> DynamoDB (${chosen.map((p) => p.name).join(', ')})`,
    pipelines: chosen,
    source,
    ...(account !== undefined || region !== undefined ? { env: { account, region } } : {}),
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    ...(removalPolicy !== undefined ? { removalPolicy } : {}),
    ...(resourcePrefix !== undefined ? { resourcePrefix } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
};
