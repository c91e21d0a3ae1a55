/**
 * The CDK app named in cdk.json (`npx tsx infra/app.ts`): this repository's pipelines, found as every
 * command finds them (its own streamfold.config.ts). `npx cdk synth` works offline with no AWS account; see
 * docs/deploy.md. A wrong `-c` value (or construct prop, or pipeline definition) prints one line and exits
 * with status 2.
 */
import { runStreamfoldApp } from './runStreamfoldApp.ts';

await runStreamfoldApp();
