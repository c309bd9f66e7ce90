/** Latency figures for the load run: percentiles over recorded samples (ms). */

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export class LatencyRecorder {
  private readonly samples = new Map<string, number[]>();

  record(operation: string, ms: number): void {
    let list = this.samples.get(operation);
    if (!list) {
      list = [];
      this.samples.set(operation, list);
    }
    list.push(ms);
  }

  summary(operation?: string): { count: number; p50: number; p95: number; p99: number; max: number } {
    const values = operation === undefined ? [...this.samples.values()].flat() : (this.samples.get(operation) ?? []);
    const sorted = Float64Array.from(values).sort();
    return {
      count: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    };
  }

  operations(): string[] {
    return [...this.samples.keys()];
  }
}
