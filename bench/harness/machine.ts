import { arch, cpus, loadavg, platform, totalmem } from 'node:os';

/** The machine a run was measured on. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly memoryGiB: number;
  /** 1-minute load average at the start: above the core count, other work competed with the benchmark. */
  readonly loadAverageAtStart: number;
}

/**
 * Describes this machine: CPU model (from `os.cpus()`), cores, Node version, memory, load.
 *
 * @example
 * describeMachine(); // { cpu: 'AMD EPYC', cores: 2, node: 'v20.20.2', ... }
 */
export const describeMachine = (): MachineInfo => {
  const list = cpus();
  return {
    cpu: (list[0]?.model ?? 'unknown').trim(),
    cores: list.length,
    node: process.version,
    platform: platform(),
    arch: arch(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
};

/**
 * One line for tables: `AMD EPYC, 2 cores, Node v20.20.2, linux/x64`.
 *
 * @example
 * machineLine(describeMachine());
 */
export const machineLine = (m: MachineInfo): string =>
  `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}/${m.arch}, load ${m.loadAverageAtStart} at start`;
