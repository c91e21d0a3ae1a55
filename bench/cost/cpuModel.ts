/** One measured invocation: what it did and the CPU it took. */
export interface CpuSample {
  readonly records: number;
  readonly requests: number;
  readonly cpuMs: number;
}

/** CPU time of an invocation ≈ `perRecordMs` × records + `perRequestMs` × DynamoDB requests. */
export interface CpuModel {
  readonly perRecordMs: number;
  readonly perRequestMs: number;
}

const fitOne = (samples: readonly CpuSample[], feature: (s: CpuSample) => number): number => {
  let xx = 0;
  let xy = 0;
  for (const s of samples) {
    const x = feature(s);
    xx += x * x;
    xy += x * s.cpuMs;
  }
  return xx > 0 ? Math.max(0, xy / xx) : 0;
};

/**
 * Least-squares fit of measured CPU times to records and requests, both factors non-negative (a
 * coefficient the unconstrained fit makes negative is dropped and the other refitted alone). Used to price
 * the CPU of invocations that were not run for real from what the fold says they do.
 *
 * @example
 * fitCpuModel([{ records: 1000, requests: 10, cpuMs: 30 }, { records: 0, requests: 100, cpuMs: 100 }]);
 * // { perRecordMs: 0.02, perRequestMs: 1 }
 */
export const fitCpuModel = (samples: readonly CpuSample[]): CpuModel => {
  let rr = 0;
  let qq = 0;
  let rq = 0;
  let ry = 0;
  let qy = 0;
  for (const s of samples) {
    rr += s.records * s.records;
    qq += s.requests * s.requests;
    rq += s.records * s.requests;
    ry += s.records * s.cpuMs;
    qy += s.requests * s.cpuMs;
  }
  const det = rr * qq - rq * rq;
  if (det > 1e-9 * rr * qq) {
    const perRecordMs = (ry * qq - qy * rq) / det;
    const perRequestMs = (qy * rr - ry * rq) / det;
    if (perRecordMs >= 0 && perRequestMs >= 0) return { perRecordMs, perRequestMs };
  }
  const byRecords = fitOne(samples, (s) => s.records);
  const byRequests = fitOne(samples, (s) => s.requests);
  const error = (m: CpuModel): number =>
    samples.reduce((e, s) => e + (s.cpuMs - m.perRecordMs * s.records - m.perRequestMs * s.requests) ** 2, 0);
  const a = { perRecordMs: byRecords, perRequestMs: 0 };
  const b = { perRecordMs: 0, perRequestMs: byRequests };
  return error(a) <= error(b) ? a : b;
};
