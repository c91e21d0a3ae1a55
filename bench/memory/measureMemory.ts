import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./memoryProbe.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Memory of one case of figure 6, in MiB. */
export interface MemoryRow {
  readonly mode: 'parse-only' | 'exact' | 'all';
  readonly records: number;
  readonly groups: number;
  /** Heap with the batch (base64 event) loaded, after GC, before folding. */
  readonly heapBeforeMiB: number;
  /** Highest heap use during the fold (largest pre-GC heap of every GC, and the heap at the end). */
  readonly peakHeapMiB: number;
  /** peakHeapMiB − heapBeforeMiB: what folding the batch needs on top of the batch itself. */
  readonly foldPeakHeapMiB: number;
  /** Heap after the fold and a full GC, with the folded batch still referenced: the state kept for the write. */
  readonly retainedHeapMiB: number;
  /** Resident set size before the fold: Node, tsx and the loaded modules plus the batch. */
  readonly rssBeforeMiB: number;
  /** Peak resident set size of the whole process (getrusage maxRSS): what counts against Lambda memory. */
  readonly peakRssMiB: number;
  readonly gcDuringFold: number;
}

interface ProbeOutput {
  readonly mode: MemoryRow['mode'];
  readonly records: number;
  readonly groups: number;
  readonly heapBeforeBytes: number;
  readonly peakHeapBytes: number;
  readonly retainedHeapBytes: number;
  readonly rssBeforeBytes: number;
  readonly peakRssBytes: number;
  readonly gcDuringFold: number;
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * Figure 6: peak heap and RSS for a batch in which every record is its own group (the worst case for
 * memory), each case in a fresh `node --expose-gc` child: parse only, exact metrics, all metrics.
 *
 * @example
 * const rows = measureMemory(10_000);
 */
export const measureMemory = (records: number): MemoryRow[] =>
  (['parse-only', 'exact', 'all'] as const).map((mode) => {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', PROBE, mode, String(records)],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`memory probe ${mode} failed: ${child.stderr.slice(0, 800)}`);
    const out = JSON.parse(child.stdout.trim().split('\n').pop() as string) as ProbeOutput;
    return {
      mode,
      records: out.records,
      groups: out.groups,
      heapBeforeMiB: mib(out.heapBeforeBytes),
      peakHeapMiB: mib(out.peakHeapBytes),
      foldPeakHeapMiB: mib(out.peakHeapBytes - out.heapBeforeBytes),
      retainedHeapMiB: mib(out.retainedHeapBytes),
      rssBeforeMiB: mib(out.rssBeforeBytes),
      peakRssMiB: mib(out.peakRssBytes),
      gcDuringFold: out.gcDuringFold,
    };
  });
