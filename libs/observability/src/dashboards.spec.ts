import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { Metrics } from './metrics/metrics';

/**
 * The Grafana dashboards in deploy/grafana: each loads as a dashboard (schemaVersion, uid,
 * panels with targets, variables defined), and every metric their PromQL names exists in the
 * code's registry (metric-names.ts and prom-client's process metrics). A dashboard can
 * therefore never show "no data" because a metric was renamed or never existed.
 */
const DASHBOARDS = join(__dirname, '..', '..', '..', 'deploy', 'grafana');
const PANEL_TYPES = new Set(['timeseries', 'stat', 'table', 'bargauge', 'gauge', 'row']);
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression reads (functions, labels, keywords and variables aside). */
export function metricNamesIn(expr: string): string[] {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names: string[] = [];
  for (const match of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const before = text[match.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // 1e3, 0.5 ...
    const rest = text.slice(match.index + word.length).trimStart();
    if (rest.startsWith('(') || PROMQL_WORDS.has(word.toLowerCase())) continue;
    names.push(word);
  }
  return names;
}

/** A variable's query: `label_values(<selector>, <label>)` reads the selector's metric. */
function metricNamesInVariable(query: string): string[] {
  const labelValues = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/.exec(query);
  return metricNamesIn(labelValues ? labelValues[1] : query);
}

/** Every series name the code's registry can expose (histograms with their _bucket/_sum/_count). */
async function registeredNames(): Promise<Set<string>> {
  const metrics = await new Metrics({ defaultMetrics: true }).registry.getMetricsAsJSON();
  const names = new Set<string>();
  for (const metric of metrics) {
    names.add(metric.name);
    if (['histogram', 'summary'].includes(String(metric.type))) {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

interface Target {
  refId?: string;
  expr?: string;
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: { name: string; query?: unknown }[] };
}

const files = readdirSync(DASHBOARDS).filter((file) => file.endsWith('.json'));
const load = (file: string) =>
  JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard;

describe('Grafana dashboards (deploy/grafana)', () => {
  it('has the traffic, latency, carriers, tenants and errors dashboards, each with its own uid', () => {
    expect(files.sort()).toEqual([
      'carriers.json',
      'errors.json',
      'latency.json',
      'tenants.json',
      'traffic.json',
    ]);
    const uids = files.map((file) => load(file).uid);
    expect(new Set(uids).size).toBe(files.length);
  });

  describe.each(files)('%s', (file) => {
    const dashboard = load(file);
    const panels = dashboard.panels ?? [];
    const queryPanels = panels.filter((panel) => panel.type !== 'row');

    it('loads as a Grafana dashboard: schemaVersion, title, panels with ids, positions and targets', () => {
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(dashboard.title).toMatch(/^TuxHat \/ /);
      expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(queryPanels.length).toBeGreaterThan(0);
      expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
      for (const panel of panels) {
        expect(PANEL_TYPES).toContain(panel.type);
        expect(panel.gridPos).toEqual({
          x: expect.any(Number),
          y: expect.any(Number),
          w: expect.any(Number),
          h: expect.any(Number),
        });
        expect(panel.gridPos!.x + panel.gridPos!.w).toBeLessThanOrEqual(24);
      }
      for (const panel of queryPanels) {
        expect(panel.title).toBeTruthy();
        expect(panel.targets?.length).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          expect(target.refId).toBeTruthy();
          expect(target.expr?.trim()).toBeTruthy();
        }
      }
    });

    it('uses only template variables it defines', () => {
      const defined = new Set(
        (dashboard.templating?.list ?? [])
          .map((variable) => variable.name)
          .concat(['__rate_interval', '__all']),
      );
      const used = JSON.stringify(dashboard.panels).matchAll(/\$\{?(\w+)\}?/g);
      for (const [, name] of used) expect(defined).toContain(name);
    });

    it('names only metrics that exist in the code', async () => {
      const known = await registeredNames();
      const exprs = queryPanels.flatMap((panel) => panel.targets ?? []).map((t) => t.expr ?? '');
      const variableQueries = (dashboard.templating?.list ?? [])
        .map((variable) => variable.query)
        .map((query) =>
          typeof query === 'object' && query ? (query as { query?: string }).query : query,
        )
        .filter((query): query is string => typeof query === 'string' && query.includes('('));
      const named = [
        ...exprs.flatMap(metricNamesIn),
        ...variableQueries.flatMap(metricNamesInVariable),
      ];
      expect(named.length).toBeGreaterThan(0);
      expect(named.filter((name) => !known.has(name))).toEqual([]);
    });
  });
});

describe(metricNamesIn.name, () => {
  it('finds the metrics, not functions, labels, ranges, keywords, numbers or variables', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, class) (rate(tuxhat_x_bucket{class=~"$class",a="b c"}[$__rate_interval]))) / clamp_min(sum without (pod) (other_metric offset 5m), 1e3) or vector(0)',
      ),
    ).toEqual(['tuxhat_x_bucket', 'other_metric']);
    expect(metricNamesInVariable('label_values(tuxhat_messages_total{stage="x"}, tenant)')).toEqual(
      ['tuxhat_messages_total'],
    );
  });
});
