import { hostname, cpus, totalmem } from 'node:os';

import { type LoadResult, quantile } from './load';
import type { WrkResult } from './wrk';

/** One line of a results table. */
export interface Row {
  readonly target: string;
  readonly scenario: string;
  readonly cells: Record<string, string>;
}

export const fmt = {
  rate: (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')}/s`,
  ms: (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a'),
  cpu: (value: number) => `${value.toFixed(3)} ms`,
};

/** p50, p99 and failures of a run of the Node generator, or of wrk (which gives its quantiles). */
export function latencyCells(result: LoadResult | WrkResult): Record<string, string> {
  if ('latenciesMs' in result) {
    return {
      p50: fmt.ms(quantile(result.latenciesMs, 0.5)),
      p99: fmt.ms(quantile(result.latenciesMs, 0.99)),
      failed: String(result.failed),
    };
  }
  // wrk tells non-2xx answers from requests that got none.
  const failed =
    result.failed === 0
      ? '0'
      : `${result.failed} (${result.non2xx} non-2xx, ${result.socketErrors} socket errors)`;
  return { p50: fmt.ms(result.p50Ms), p99: fmt.ms(result.p99Ms), failed };
}

/** A markdown block for bench/RESULTS.md: the machine, the command, and one table. */
export function markdown(title: string, command: string, rows: readonly Row[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row.cells)))];
  const header = ['system', 'scenario', ...columns];
  const lines = [
    `### ${title}`,
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${hostname()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `- command: \`${command}\``,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (row) =>
        `| ${[row.target, row.scenario, ...columns.map((c) => row.cells[c] ?? '')].join(' | ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
