/**
 * The CDK app named in cdk.json (`npx tsx infra/app.ts`). `npx cdk synth` works offline with no AWS
 * account; see docs/deploy.md. A wrong `-c` value (or construct prop, or pipeline definition) prints one
 * line and exits with status 2.
 */
import { createApp } from './createApp.ts';
import { runApp } from './runApp.ts';

runApp(createApp);
