import { ConfigError, parseEnv } from '@tuxhat/config';
import { CARRIER_HEALTH, type CarrierHealthEvent, carrierHealthEvent } from '@tuxhat/contracts';
import type { EventPublisher } from '@tuxhat/messaging';

import {
  CarrierHealthReporter,
  type CarrierHealthOptions,
  type CarrierHealthState,
  type HealthCounter,
  carrierFaultRuleOf,
  carrierHealthEnvSchema,
  faultsTrip,
} from './carrier-health';

const START = Date.parse('2026-11-26T12:00:00.000Z');

/** A reporter whose reports land in `published`, on a clock the test moves. */
function reporterFor(options: Partial<CarrierHealthOptions> = {}) {
  const published: CarrierHealthEvent[] = [];
  const publisher = {
    publish: async (topic: typeof CARRIER_HEALTH, event: CarrierHealthEvent) => {
      expect(topic).toBe(CARRIER_HEALTH);
      published.push(carrierHealthEvent.parse(event));
    },
  } as unknown as EventPublisher;
  let now = START;
  const clock = { now: () => new Date(now) };
  const sut = new CarrierHealthReporter(
    publisher,
    { instanceId: 'pod-1', intervalMs: 5_000, ...options },
    clock,
  );
  let state: CarrierHealthState = {
    healthy: true,
    bindsUp: 2,
    bindsConfigured: 2,
    detail: '2/2 binds up',
  };
  sut.register('telco-a', () => state);
  const count = (counter: HealthCounter, n: number) => sut.count('telco-a', counter, n);
  /** `faults` of `submitted` submits failed for the carrier's reasons (they are errors too). */
  const submit = (submitted: number, faults: number, refused = 0) => {
    count('submitted', submitted);
    count('errors', faults + refused);
    count('faults', faults);
  };
  const last = () => published[published.length - 1];
  return {
    sut,
    published,
    last,
    submit,
    advance: (ms: number) => (now += ms),
    setState: (next: CarrierHealthState) => (state = next),
  };
}

describe(faultsTrip.name, () => {
  const rule = { minSubmits: 10, faultRatio: 0.5 };

  it.each([
    [20, 9, false, 'under the ratio'],
    [20, 10, true, 'at the ratio'],
    [20, 19, true, 'over it'],
    [9, 9, false, 'too few submits'],
    [12, 7, false, 'over the ratio but fewer faults than minSubmits'],
    [10, 10, true, 'minSubmits of minSubmits'],
    [0, 3, false, 'faults of earlier submits only'],
  ])('%d submits, %d faults: %s (%s)', (submitted, faults, trips) => {
    expect(faultsTrip({ submitted, faults }, rule)).toBe(trips);
  });
});

describe(CarrierHealthReporter.name, () => {
  it('reports healthy while faults stay under the rule, with the counts', async () => {
    const { sut, submit, last } = reporterFor();
    submit(20, 9, 5);
    sut.count('telco-a', 'throttled', 2);
    await sut.reportAll();
    expect(last()).toMatchObject({
      healthy: true,
      submitted: 20,
      errors: 14,
      faults: 9,
      throttled: 2,
      detail: '2/2 binds up',
    });
  });

  it('reports unhealthy at the threshold, with binds up, saying why', async () => {
    const { sut, submit, last, advance } = reporterFor();
    submit(20, 10);
    advance(5_000);
    await sut.reportAll();
    expect(last()).toMatchObject({
      healthy: false,
      bindsUp: 2,
      faults: 10,
      detail: 'faults 10 of 20 submits in the last 5 s; 2/2 binds up',
    });
  });

  it('does not judge a carrier on a few submits', async () => {
    const { sut, submit, last } = reporterFor();
    submit(9, 9);
    await sut.reportAll();
    expect(last()).toMatchObject({ healthy: true, submitted: 9, faults: 9 });
  });

  it('does not count refusals of the message (errors that are not faults)', async () => {
    const { sut, submit, last } = reporterFor();
    // A tenant sending to invalid numbers: every submit refused, ESME_RINVDSTADR.
    submit(50, 0, 50);
    await sut.reportAll();
    expect(last()).toMatchObject({ healthy: true, errors: 50, faults: 0 });
  });

  it('reports healthy again the interval after, when no submits came (half-open)', async () => {
    const { sut, submit, published, advance } = reporterFor();
    submit(20, 19);
    advance(5_000);
    await sut.reportAll();
    advance(5_000);
    await sut.reportAll();
    expect(
      published.map(({ healthy, submitted, faults }) => ({ healthy, submitted, faults })),
    ).toEqual([
      { healthy: false, submitted: 20, faults: 19 },
      { healthy: true, submitted: 0, faults: 0 },
    ]);
  });

  it('applies the same rule to an immediate report, over the time since the last report', async () => {
    const { sut, submit, last, advance, published } = reporterFor();
    submit(10, 10);
    advance(1_200);
    await sut.changed('telco-a');
    expect(last()).toMatchObject({
      healthy: false,
      detail: 'faults 10 of 10 submits in the last 1.2 s; 2/2 binds up',
    });
    // The immediate report started the counters again.
    advance(3_800);
    await sut.reportAll();
    expect(published[1]).toMatchObject({ healthy: true, submitted: 0, faults: 0 });
  });

  it('keeps the probe: a carrier without a bind is unhealthy whatever the submits', async () => {
    const { sut, setState, last } = reporterFor();
    setState({ healthy: false, bindsUp: 0, bindsConfigured: 2, detail: '0/2 binds up' });
    await sut.reportAll();
    expect(last()).toMatchObject({ healthy: false, faults: 0, detail: '0/2 binds up' });
  });

  it('shows the rule in a snapshot without resetting the counters', async () => {
    const { sut, submit, published } = reporterFor({ minSubmits: 4, faultRatio: 0.75 });
    submit(4, 3);
    expect(sut.snapshot('telco-a')).toMatchObject({ healthy: true });
    submit(0, 1);
    expect(sut.snapshot('telco-a')).toMatchObject({ healthy: false, faults: 4 });
    expect(published).toHaveLength(0);
    await sut.reportAll();
    expect(published[0]).toMatchObject({ healthy: false, submitted: 4, faults: 4 });
  });

  it.each([
    [{ minSubmits: 0 }, /minSubmits/],
    [{ minSubmits: 2.5 }, /minSubmits/],
    [{ faultRatio: 0 }, /faultRatio/],
    [{ faultRatio: 1.5 }, /faultRatio/],
  ])('refuses options %j', (options, message) => {
    expect(() => reporterFor(options)).toThrow(message);
  });
});

describe('carrierHealthEnvSchema', () => {
  it('defaults to 10 submits and half of them', () => {
    expect(carrierFaultRuleOf(parseEnv(carrierHealthEnvSchema, {}))).toEqual({
      minSubmits: 10,
      faultRatio: 0.5,
    });
    expect(
      carrierFaultRuleOf(
        parseEnv(carrierHealthEnvSchema, {
          CARRIER_HEALTH_MIN_SUBMITS: '25',
          CARRIER_HEALTH_FAULT_RATIO: '0.8',
        }),
      ),
    ).toEqual({ minSubmits: 25, faultRatio: 0.8 });
  });

  it.each([
    ['CARRIER_HEALTH_MIN_SUBMITS', '0'],
    ['CARRIER_HEALTH_MIN_SUBMITS', '1.5'],
    ['CARRIER_HEALTH_MIN_SUBMITS', 'many'],
    ['CARRIER_HEALTH_FAULT_RATIO', '0'],
    ['CARRIER_HEALTH_FAULT_RATIO', '1.01'],
    ['CARRIER_HEALTH_FAULT_RATIO', 'half'],
  ])('refuses %s=%s, naming the key', (key, value) => {
    const read = () => parseEnv(carrierHealthEnvSchema, { [key]: value });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(new RegExp(key));
  });
});
