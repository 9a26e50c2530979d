import { METRICS, TENANT_LABEL_HIDDEN } from './metric-names';
import { Metrics } from './metrics';

describe(Metrics.name, () => {
  it('registers every defined metric up front, so /metrics lists them before they move', async () => {
    const sut = new Metrics();
    const text = await sut.render();
    for (const definition of Object.values(METRICS)) {
      expect(text).toContain(`# TYPE ${definition.name} ${definition.kind}`);
    }
  });

  it('counts by labels and reads values back', async () => {
    const sut = new Metrics();
    const labels = { stage: 'ingress', status: 'accepted', class: 'otp', tenant: 'acme' };
    sut.increment(METRICS.messages, labels);
    sut.increment(METRICS.messages, labels, 2);
    sut.increment(METRICS.messages, { ...labels, class: 'bulk' });
    expect(await sut.valueOf(METRICS.messages, labels)).toBe(3);
    expect(await sut.valueOf(METRICS.messages, { stage: 'ingress' })).toBe(4);
    expect(await sut.render()).toContain(
      'tuxhat_messages_total{stage="ingress",status="accepted",class="otp",tenant="acme"} 3',
    );
  });

  it('observes histograms (valueOf counts observations) and never records a negative duration', async () => {
    const sut = new Metrics();
    sut.observe(METRICS.busEventLatency, { group: 'dlr', topic: 'sms.sent.v1' }, 0.02);
    sut.observe(METRICS.busEventLatency, { group: 'dlr', topic: 'sms.sent.v1' }, -1);
    expect(await sut.valueOf(METRICS.busEventLatency, { group: 'dlr' })).toBe(2);
    const text = await sut.render();
    expect(text).toContain(
      'tuxhat_bus_event_latency_seconds_bucket{le="0.005",group="dlr",topic="sms.sent.v1"} 1',
    );
    expect(text).toContain(
      'tuxhat_bus_event_latency_seconds_sum{group="dlr",topic="sms.sent.v1"} 0.02',
    );
  });

  it('counts through bound label sets: one handle per label set, read back on every scrape', async () => {
    const sut = new Metrics({ tenantLabel: false });
    const labels = { stage: 'dlr', status: 'delivered', class: 'otp', tenant: 'acme' };
    const handle = sut.boundCounter(METRICS.messages, labels);
    expect(sut.boundCounter(METRICS.messages, { ...labels })).toBe(handle);
    handle.inc();
    handle.inc(2);
    sut.increment(METRICS.messages, labels);
    expect(await sut.valueOf(METRICS.messages, { stage: 'dlr' })).toBe(4);
    handle.inc();
    expect(await sut.render()).toContain(
      `tuxhat_messages_total{stage="dlr",status="delivered",class="otp",tenant="${TENANT_LABEL_HIDDEN}"} 5`,
    );
    expect(() => handle.inc(-1)).toThrow('finite amount');
    expect(() => handle.inc(Number.NaN)).toThrow('finite amount');

    const latency = sut.boundHistogram(METRICS.busEventLatency, { group: 'dlr', topic: 't' });
    latency.observe(0.02);
    latency.observe(-1);
    expect(await sut.valueOf(METRICS.busEventLatency, { topic: 't' })).toBe(2);
  });

  it('exposes a bound histogram exactly as observing it directly would', async () => {
    const values = [0, 0.001, 0.005, 0.02, 0.3, 1, 2.5, 60, 10_000, -1];
    const bound = new Metrics();
    const direct = new Metrics();
    const labels = { group: 'dlr', topic: 't' };
    const handle = bound.boundHistogram(METRICS.busEventLatency, labels);
    expect(bound.boundHistogram(METRICS.busEventLatency, { ...labels })).toBe(handle);
    expect(await bound.render()).toContain(
      'tuxhat_bus_event_latency_seconds_count{group="dlr",topic="t"} 0',
    );
    for (const value of values) {
      handle.observe(value);
      direct.observe(METRICS.busEventLatency, labels, value);
    }
    // Observed through both paths: the series adds up.
    bound.observe(METRICS.busEventLatency, labels, 0.02);
    direct.observe(METRICS.busEventLatency, labels, 0.02);
    const series = (text: string) =>
      text.split('\n').filter((line) => line.startsWith('tuxhat_bus_event_latency_seconds'));
    expect(series(await bound.render())).toEqual(series(await direct.render()));
    handle.observe(0.02);
    expect(await bound.valueOf(METRICS.busEventLatency, { topic: 't' })).toBe(values.length + 2);
    expect(() => handle.observe(Number.POSITIVE_INFINITY)).toThrow('not a valid number');
  });

  it('hides tenants when told to (bounded series with very many tenants)', async () => {
    const sut = new Metrics({ tenantLabel: false });
    sut.increment(METRICS.messages, {
      stage: 'dlr',
      status: 'delivered',
      class: 'otp',
      tenant: 'acme',
    });
    expect(await sut.valueOf(METRICS.messages, { tenant: TENANT_LABEL_HIDDEN })).toBe(1);
    expect(await sut.render()).not.toContain('acme');
  });

  it('reads sourced gauges at scrape time, and a removed source leaves no stale series', async () => {
    const sut = new Metrics();
    let outstanding = 3;
    const stopA = sut.source(METRICS.smppWindowOutstanding, () => [
      [{ carrier: 'telco-a' }, outstanding],
    ]);
    sut.source(METRICS.smppWindowOutstanding, () => [[{ carrier: 'telco-b' }, 1]]);
    expect(await sut.render()).toContain('tuxhat_smpp_window_outstanding{carrier="telco-a"} 3');
    outstanding = 7;
    expect(await sut.valueOf(METRICS.smppWindowOutstanding, { carrier: 'telco-a' })).toBe(7);
    stopA();
    const text = await sut.render();
    expect(text).not.toContain('carrier="telco-a"');
    expect(text).toContain('tuxhat_smpp_window_outstanding{carrier="telco-b"} 1');
  });

  it('sets and removes gauge label sets', async () => {
    const sut = new Metrics();
    sut.set(METRICS.kafkaConsumerLag, { group: 'policy', topic: 'sms.submitted.v1' }, 42);
    expect(await sut.valueOf(METRICS.kafkaConsumerLag, { group: 'policy' })).toBe(42);
    sut.remove(METRICS.kafkaConsumerLag, { group: 'policy', topic: 'sms.submitted.v1' });
    expect(await sut.render()).not.toContain('group="policy"');
  });

  it('adds the process metrics only when asked', async () => {
    expect(await new Metrics().render()).not.toContain('process_cpu_seconds_total');
    expect(await new Metrics({ defaultMetrics: true }).render()).toContain(
      'process_cpu_seconds_total',
    );
  });

  describe('mergeThread', () => {
    const labels = { stage: 'ingress', status: 'accepted', class: 'otp', tenant: 'acme' };

    it("shows a worker thread's series beside its own, labelled with the thread", async () => {
      const main = new Metrics();
      const worker = new Metrics({ defaultMetrics: true });
      main.increment(METRICS.messages, labels, 2);
      worker.increment(METRICS.messages, labels, 5);
      worker.observe(METRICS.busEventLatency, { group: 'ingress', topic: 'sms.status.v1' }, 0.01);
      // Over a MessagePort the snapshot is a structured clone.
      main.mergeThread('ingress', async () => structuredClone(await worker.snapshot()));

      const text = await main.render();
      expect(text).toContain(
        'tuxhat_messages_total{stage="ingress",status="accepted",class="otp",tenant="acme"} 2',
      );
      expect(text).toContain(
        'tuxhat_messages_total{stage="ingress",status="accepted",class="otp",tenant="acme",thread="ingress"} 5',
      );
      expect(text).toContain(
        'tuxhat_bus_event_latency_seconds_count{group="ingress",topic="sms.status.v1",thread="ingress"} 1',
      );
      // The thread's own event loop, but not the process-wide series a second time.
      expect(text).toMatch(/nodejs_eventloop_lag_seconds\{thread="ingress"\}/);
      expect(text).not.toContain('process_cpu_seconds_total');
      expect(text.match(/^# TYPE tuxhat_messages_total /gm)).toHaveLength(1);
    });

    it('still answers when the thread does not, and stops merging when told', async () => {
      const main = new Metrics();
      main.increment(METRICS.messages, labels);
      const stop = main.mergeThread('ingress', () => Promise.reject(new Error('gone')));
      expect(await main.render()).toContain('tenant="acme"} 1');
      stop();
      expect(await main.render()).toBe(await main.registry.metrics());
    });
  });
});
