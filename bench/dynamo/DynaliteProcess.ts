import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./dynaliteServer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * dynalite in a child process of its own (through tsx), so that the emulator's work runs on the other
 * core instead of inside the process being measured. Emulator figures, not DynamoDB's.
 *
 * @example
 * const dynalite = await DynaliteProcess.start();
 * const client = dynamoDbClient(dynalite.endpoint);
 * await dynalite.stop();
 */
export class DynaliteProcess {
  private constructor(
    private readonly child: ChildProcess,
    public readonly endpoint: string,
  ) {}

  public static async start(): Promise<DynaliteProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const onData = (data: Buffer): void => {
        buffered += data.toString('utf8');
        const newline = buffered.indexOf('\n');
        if (newline === -1) return;
        child.stdout?.off('data', onData);
        try {
          resolve((JSON.parse(buffered.slice(0, newline)) as { endpoint: string }).endpoint);
        } catch (error) {
          reject(error);
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`dynalite child exited early (code ${code})`)));
      child.once('error', reject);
    });
    return new DynaliteProcess(child, endpoint);
  }

  /** Closes the child's stdin (it stops itself), then kills it by pid if it lingers. */
  public async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, 3_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
    });
  }
}
