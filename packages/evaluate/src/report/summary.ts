import { mean, standardDeviation } from '../statistics.js';

/** One (image, method) evaluation, as stored in results/<stem>--<method>.json. */
export interface SampleEvaluation {
  sample: string;
  method: string;
  /** The method's options as canonical JSON (keys sorted; `{}` for none): `resume` redoes the pair when they differ. Absent in files written before it was recorded (such pairs are redone). */
  methodOptions?: string;
  target: number;
  /** Seconds to compute the heatmap. */
  heatmapSeconds: number;
  deletion: { area: number; fractions: number[]; scores: number[] };
  insertion: { area: number; fractions: number[]; scores: number[] };
  muFidelity: number;
  sparseness: number;
  entropy: number;
  /** With masks or boxes only. */
  pointingGame?: number;
  relevanceMass?: number;
  relevanceRank?: number;
  energyPointingGame?: number;
}

/** A metric of the table: how to read it off a sample and which way is better. */
export interface MetricColumn {
  key: string;
  label: string;
  higherIsBetter: boolean;
  read: (e: SampleEvaluation) => number | undefined;
}

export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'deletionAuc', label: 'deletion AUC', higherIsBetter: false, read: (e) => e.deletion.area },
  { key: 'insertionAuc', label: 'insertion AUC', higherIsBetter: true, read: (e) => e.insertion.area },
  { key: 'muFidelity', label: 'MuFidelity', higherIsBetter: true, read: (e) => e.muFidelity },
  { key: 'pointingGame', label: 'pointing game', higherIsBetter: true, read: (e) => e.pointingGame },
  { key: 'relevanceMass', label: 'relevance mass', higherIsBetter: true, read: (e) => e.relevanceMass },
  { key: 'relevanceRank', label: 'relevance rank', higherIsBetter: true, read: (e) => e.relevanceRank },
  { key: 'energyPointingGame', label: 'energy PG', higherIsBetter: true, read: (e) => e.energyPointingGame },
  { key: 'sparseness', label: 'Gini', higherIsBetter: true, read: (e) => e.sparseness },
  { key: 'entropy', label: 'entropy', higherIsBetter: false, read: (e) => e.entropy },
  { key: 'heatmapSeconds', label: 'seconds', higherIsBetter: false, read: (e) => e.heatmapSeconds },
];

/**
 * Metrics that enter the overall ranking: faithfulness and localisation (not
 * complexity or time). The energy pointing game is left out: on heatmaps
 * min-max normalised to [0, 1] it equals the relevance mass, which would count twice.
 */
export const RANKED_METRICS = ['deletionAuc', 'insertionAuc', 'muFidelity', 'pointingGame', 'relevanceMass', 'relevanceRank'];

/** Mean, spread and count of one metric of one method. */
export interface MetricSummary {
  mean: number;
  std: number;
  n: number;
}

/** Per method and metric key, the mean and sample standard deviation over images (NaN values left out). */
export function summarise(evaluations: readonly SampleEvaluation[], methods: readonly string[]): Record<string, Record<string, MetricSummary>> {
  const table: Record<string, Record<string, MetricSummary>> = {};
  for (const method of methods) {
    const rows = evaluations.filter((e) => e.method === method);
    table[method] = {};
    for (const column of METRIC_COLUMNS) {
      const values = rows.map(column.read).filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (values.length > 0) table[method]![column.key] = { mean: mean(values), std: standardDeviation(values), n: values.length };
    }
  }
  return table;
}

/** One method's place in the ranking. */
export interface RankingEntry {
  method: string;
  /** Mean over the ranked metrics of the method's rank (1 = best) on each. */
  meanRank: number;
  /** The method's rank per metric key. */
  ranks: Record<string, number>;
}

/**
 * Ranks the methods on each faithfulness and localisation metric by their
 * means (ties share the better rank), then orders them by the mean of those ranks.
 */
export function rankMethods(summary: Record<string, Record<string, MetricSummary>>): RankingEntry[] {
  const methods = Object.keys(summary);
  const entries = methods.map((method) => ({ method, meanRank: 0, ranks: {} as Record<string, number> }));
  const used = RANKED_METRICS.filter((key) => methods.every((m) => summary[m]![key] !== undefined));
  for (const key of used) {
    const column = METRIC_COLUMNS.find((c) => c.key === key)!;
    const better = (a: number, b: number) => (column.higherIsBetter ? a > b : a < b);
    for (const entry of entries) {
      const own = summary[entry.method]![key]!.mean;
      entry.ranks[key] = 1 + methods.filter((m) => better(summary[m]![key]!.mean, own)).length;
    }
  }
  for (const entry of entries) entry.meanRank = used.length ? used.reduce((s, key) => s + entry.ranks[key]!, 0) / used.length : NaN;
  return entries.sort((a, b) => a.meanRank - b.meanRank || a.method.localeCompare(b.method));
}

/** The summary as a fixed-width text table: one row per method, `mean ± std` per metric. */
export function summaryTable(summary: Record<string, Record<string, MetricSummary>>, ranking: readonly RankingEntry[]): string {
  const columns = METRIC_COLUMNS.filter((c) => Object.values(summary).some((row) => row[c.key] !== undefined));
  const header = ['method', 'rank', ...columns.map((c) => `${c.label} ${c.higherIsBetter ? '↑' : '↓'}`)];
  const rows = ranking.map((entry) => [
    entry.method,
    Number.isFinite(entry.meanRank) ? entry.meanRank.toFixed(2) : '-',
    ...columns.map((c) => {
      const cell = summary[entry.method]![c.key];
      return cell ? `${cell.mean.toFixed(3)} ± ${cell.std.toFixed(3)}` : '-';
    }),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) => cells.map((cell, k) => cell.padEnd(widths[k]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
