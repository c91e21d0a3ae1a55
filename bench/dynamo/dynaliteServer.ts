import { startDynalite } from '../../local/services/startDynalite.ts';

/**
 * Child-process entry: runs dynalite in its own process (so the emulator's CPU time is not charged to
 * the handler being measured), prints `{"endpoint": ...}` on one line, and stops when stdin closes.
 */
const service = await startDynalite();
process.stdout.write(`${JSON.stringify({ endpoint: service.endpoint })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void service.stop().then(() => process.exit(0));
});
