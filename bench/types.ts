/**
 * The contract between the bench runner (scripts/bench.ts) and each
 * bench/*.bench.ts module, which exports `run(ctx): Promise<BenchResult[]>`.
 */

export interface BenchContext {
  /** A fresh database of its own, migrated; dropped after run() returns. Never log it. */
  databaseUrl: string;
  /** --quick: fewer rounds and rows, so the whole suite stays under two minutes. */
  quick: boolean;
  /** Progress lines for the operator. */
  log: (line: string) => void;
}

export interface BenchResult {
  /** e.g. 'bulkUpsert.10k' */
  name: string;
  /** Throughput unit, e.g. 'rows/s', 'ops/s' (higher = better). Memory is not here: bench-memory.json. */
  unit: string;
  /** Our code's figure. */
  value: number;
  /** The same work by raw `pg` in the same run. */
  baseline: number;
  /** value / baseline: higher = better, 1 = as fast as raw pg. */
  ratio: number;
}

export type BenchModule = { run(ctx: BenchContext): Promise<BenchResult[]> };

/** Builds a throughput result (ratio = value / baseline). */
export function throughput(name: string, unit: string, value: number, baseline: number): BenchResult {
  return { name, unit, value: round(value), baseline: round(baseline), ratio: round(value / baseline, 3) };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
