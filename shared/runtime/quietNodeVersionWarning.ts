/**
 * Drops the AWS SDK's `NodeVersionSupportWarning` (a multi-line notice that SDK releases after January
 * 2027 need Node 22) while printing every other process warning as Node would. streamfold supports Node
 * 20 (the Lambda runtime is newer); the notice would otherwise follow every command and every function
 * container. Call once at process or worker start.
 *
 * @example
 * quietNodeVersionWarning();
 */
export const quietNodeVersionWarning = (): void => {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (
      warning.name === 'NodeVersionSupportWarning' ||
      warning.message.startsWith('NodeVersionSupportWarning')
    )
      return;
    process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
  });
};
