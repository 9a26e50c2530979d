import { HealthChecks } from '../health/health-checks';
import { METRICS } from '../metrics/metric-names';
import { Metrics } from '../metrics/metrics';
import { OpsServer } from './ops-server';

describe(OpsServer.name, () => {
  const metrics = new Metrics();
  const health = new HealthChecks();
  const sut = new OpsServer({ host: '127.0.0.1', port: 0, metrics, health });
  let url: string;
  let kafkaUp = true;

  beforeAll(async () => {
    health.register({
      name: 'bus consumer policy',
      probes: ['readiness'],
      check: () => (kafkaUp ? { ok: true } : { ok: false, detail: 'not running' }),
    });
    url = await sut.start();
  });
  afterAll(() => sut.close());

  it('serves the Prometheus metrics of the process', async () => {
    metrics.increment(METRICS.receipts, { carrier: 'telco-a', result: 'matched' });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain(
      'tuxhat_receipts_total{carrier="telco-a",result="matched"} 1',
    );
  });

  it('answers liveness at once and readiness once booted, while its checks pass', async () => {
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const starting = await fetch(`${url}/health/ready`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toMatchObject({ ok: false, status: 'starting' });

    health.markStarted();
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    kafkaUp = false;
    const failing = await fetch(`${url}/health/ready`);
    expect(failing.status).toBe(503);
    expect(await failing.json()).toEqual({
      ok: false,
      status: 'failing',
      checks: [{ name: 'bus consumer policy', ok: false, detail: 'not running' }],
    });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });

  it('refuses other paths and methods', async () => {
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
