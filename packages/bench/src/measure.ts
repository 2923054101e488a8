/** What one workload measured on one system. */
export interface Measurement {
  readonly events: number;
  readonly wallMs: number;
  /** Milliseconds per operation (an append, a read, a consumer or relay batch). */
  readonly samples: readonly number[];
  readonly peakRssMb?: number;
  readonly peakHeapGrowthMb?: number;
}

export interface Summary {
  readonly eventsPerSec: number;
  readonly p50ms: number | null;
  readonly p99ms: number | null;
}

const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function summarize(measurement: Measurement): Summary {
  const sorted = [...measurement.samples].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  return {
    eventsPerSec: Math.round(measurement.events / (measurement.wallMs / 1000)),
    p50ms: p50 === null ? null : round(p50, 3),
    p99ms: p99 === null ? null : round(p99, 3),
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** The figures of several rounds of one workload on one system: the median of each. */
export function medianSummary(rounds: readonly Summary[]): Summary {
  const of = (pick: (summary: Summary) => number | null) => {
    const values = rounds.map(pick).filter((value): value is number => value !== null);
    return values.length === 0 ? null : median(values);
  };
  return {
    eventsPerSec: Math.round(of((summary) => summary.eventsPerSec) ?? 0),
    p50ms: of((summary) => summary.p50ms),
    p99ms: of((summary) => summary.p99ms),
  };
}

/**
 * Runs `count` operations over `concurrency` workers (worker w runs operations w, w + c, ...),
 * timing each one. `operation` resolves to the events it wrote or read.
 */
export async function timeOperations(
  count: number,
  concurrency: number,
  operation: (index: number, worker: number) => Promise<number>,
): Promise<Measurement> {
  const samples: number[] = [];
  let events = 0;
  const worker = async (w: number) => {
    for (let index = w; index < count; index += concurrency) {
      const start = process.hrtime.bigint();
      // Not `events += await ...`: that reads `events` before the await, and concurrent workers
      // would overwrite each other's counts.
      const done = await operation(index, w);
      events += done;
      samples.push(elapsedMs(start));
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { events, wallMs: elapsedMs(start), samples };
}

/**
 * Times a run that reports its batches through `onBatch` (a consumer, a relay): each sample is
 * the cycle time of one batch, i.e. the time since the previous one ended.
 */
export async function timeBatches(run: (onBatch: (count: number) => void) => Promise<number>): Promise<Measurement> {
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  let last = start;
  const events = await run(() => {
    const now = process.hrtime.bigint();
    samples.push(Number(now - last) / 1e6);
    last = now;
  });
  return { events, wallMs: elapsedMs(start), samples };
}

/** The JavaScript memory that is this process's own work: heap, external and array buffers. */
const heapBytes = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
};

/**
 * Samples the process's resident set size and its heap while `work` runs; adds the peak RSS and
 * the peak heap growth over the start, in MiB. RSS is the whole process's and V8 keeps the pages
 * it has grown into, so within one bench process it mostly shows the largest run so far; the heap
 * growth is this run's own (call after a full GC).
 */
export async function withPeakMemory(work: () => Promise<Measurement>): Promise<Measurement> {
  let peak = process.memoryUsage().rss;
  const heapStart = heapBytes();
  let heapPeak = heapStart;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
    heapPeak = Math.max(heapPeak, heapBytes());
  };
  const timer = setInterval(sample, 5);
  try {
    const measurement = await work();
    sample();
    return {
      ...measurement,
      peakRssMb: round(peak / 2 ** 20, 1),
      peakHeapGrowthMb: round((heapPeak - heapStart) / 2 ** 20, 1),
    };
  } finally {
    clearInterval(timer);
  }
}
