/**
 * A small Prometheus text-format registry: counters, gauges and histograms with labels.
 * Enough for /metrics without a dependency; names follow Prometheus conventions.
 */
type Labels = Readonly<Record<string, string | number>>;

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

const key = (labels: Labels = {}): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class MetricsRegistry {
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly gauges = new Map<string, Map<string, number>>();
  private readonly histograms = new Map<string, Map<string, Histogram>>();
  private readonly help = new Map<string, string>();

  describe(name: string, help: string): this {
    this.help.set(name, help);
    return this;
  }

  inc(name: string, labels?: Labels, by = 1): void {
    const m = this.counters.get(name) ?? new Map<string, number>();
    const k = key(labels);
    m.set(k, (m.get(k) ?? 0) + by);
    this.counters.set(name, m);
  }

  gauge(name: string, value: number, labels?: Labels): void {
    const m = this.gauges.get(name) ?? new Map<string, number>();
    m.set(key(labels), value);
    this.gauges.set(name, m);
  }

  observe(name: string, value: number, labels?: Labels): void {
    const m = this.histograms.get(name) ?? new Map<string, Histogram>();
    const k = key(labels);
    const h = m.get(k) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((b, i) => {
      if (value <= b) h.counts[i]!++;
    });
    h.sum += value;
    h.count++;
    m.set(k, h);
    this.histograms.set(name, m);
  }

  /** Current value of a counter (tests and summaries). */
  counter(name: string, labels?: Labels): number {
    return this.counters.get(name)?.get(key(labels)) ?? 0;
  }

  render(): string {
    const out: string[] = [];
    const head = (name: string, type: string) => {
      const h = this.help.get(name);
      if (h) out.push(`# HELP ${name} ${h}`);
      out.push(`# TYPE ${name} ${type}`);
    };
    const sel = (k: string, extra = '') => {
      const all = [k, extra].filter(Boolean).join(',');
      return all ? `{${all}}` : '';
    };
    for (const [name, m] of this.counters) {
      head(name, 'counter');
      for (const [k, v] of m) out.push(`${name}${sel(k)} ${v}`);
    }
    for (const [name, m] of this.gauges) {
      head(name, 'gauge');
      for (const [k, v] of m) out.push(`${name}${sel(k)} ${v}`);
    }
    for (const [name, m] of this.histograms) {
      head(name, 'histogram');
      for (const [k, h] of m) {
        BUCKETS.forEach((b, i) => out.push(`${name}_bucket${sel(k, `le="${b}"`)} ${h.counts[i]}`));
        out.push(`${name}_bucket${sel(k, 'le="+Inf"')} ${h.count}`);
        out.push(`${name}_sum${sel(k)} ${h.sum}`);
        out.push(`${name}_count${sel(k)} ${h.count}`);
      }
    }
    return `${out.join('\n')}\n`;
  }
}

export function createMetrics(): MetricsRegistry {
  return new MetricsRegistry()
    .describe('keel_http_requests_total', 'HTTP requests by method, route and status')
    .describe('keel_http_request_seconds', 'HTTP request latency')
    .describe('keel_solve_seconds', 'Engine run time by kind and outcome')
    .describe('keel_queue_depth', 'Runs waiting for a worker')
    .describe('keel_runs_active', 'Runs executing now')
    .describe('keel_runs_failed_total', 'Runs that ended failed or timed out');
}
