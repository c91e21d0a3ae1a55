/**
 * The CDK app named in cdk.json (`npx tsx infra/app.ts`). `npx cdk synth` works offline with no AWS
 * account; see docs/deploy.md.
 */
import { createApp } from './createApp.ts';

createApp();
