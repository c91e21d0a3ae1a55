/** The AWS SDK's own switch for its `NodeVersionSupportWarning` (read when a client is constructed). */
export const SDK_NODE_VERSION_WARNING_ENV = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Turns off the AWS SDK's `NodeVersionSupportWarning` — a multi-line notice that SDK releases published
 * after the first week of January 2027 need Node 22, printed once per process by the first client on Node
 * 20 — and nothing else: every other warning prints as Node prints it. streamfold supports Node 20 locally
 * with the SDK versions pinned in package-lock.json, and the Lambda runtime is Node 24 (docs/deploy.md,
 * "Node.js versions"); the notice would otherwise follow every command, every function container and every
 * test file.
 *
 * It sets the SDK's switch in `env` unless already set, so `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false`
 * brings the notice back, and child processes started with this environment are quiet too. Call it before
 * the first SDK client is constructed (at process or worker start).
 *
 * @example
 * quietNodeVersionWarning();
 * const { runCli } = await import('../cli/main.ts');
 */
export const quietNodeVersionWarning = (env: NodeJS.ProcessEnv = process.env): void => {
  env[SDK_NODE_VERSION_WARNING_ENV] ??= 'true';
};
