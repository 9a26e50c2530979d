import {
  CommandStatus,
  SmppConnectionClosedError,
  type SubmitSmParams,
  type SubmitSmResponse,
} from '@tuxhat/smpp';

import {
  CarrierDispatcher,
  type CarrierDispatcherOptions,
  type SubmitChannel,
} from './carrier-dispatcher';

/** A bind the test answers by hand. */
class FakeChannel implements SubmitChannel {
  canSubmitNow = true;
  readonly sent: string[] = [];
  private readonly waiting: Array<{
    resolve: (response: SubmitSmResponse) => void;
    reject: (error: unknown) => void;
  }> = [];
  private sequence = 0;

  submitSm(params: SubmitSmParams): Promise<SubmitSmResponse> {
    this.sent.push(params.destinationAddr);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  get outstanding(): number {
    return this.waiting.length;
  }

  /** Answers the oldest outstanding submit_sm. */
  answer(commandStatus: number = CommandStatus.ESME_ROK): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('nothing outstanding');
    this.sequence++;
    next.resolve({
      commandStatus,
      messageId: commandStatus === 0 ? `id-${this.sequence}` : undefined,
      sequenceNumber: this.sequence,
    });
  }

  fail(error: unknown): void {
    this.waiting.shift()?.reject(error);
  }
}

const part = (to: string): SubmitSmParams => ({
  sourceAddr: 'TuxHat',
  destinationAddr: to,
  shortMessage: Buffer.from('hi'),
});

const OPTIONS: CarrierDispatcherOptions = {
  throttleRetries: 2,
  throttleBackoff: { initialDelayMs: 20, maxDelayMs: 100, multiplier: 2, jitter: 0 },
  notBoundWaitMs: 50,
};

/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** One bind behind a dispatcher that records what it counts for carrier health. */
function countingOne(bind: FakeChannel, options: Partial<CarrierDispatcherOptions> = {}) {
  const counts: string[] = [];
  const sut = new CarrierDispatcher([{ channel: bind, windowSize: 5 }], {
    ...OPTIONS,
    ...options,
    onCount: (counter) => counts.push(counter),
  });
  return { sut, counts };
}

describe(CarrierDispatcher.name, () => {
  it('gives the next free slot to OTP, then transactional, then bulk', async () => {
    const bind = new FakeChannel();
    const sut = new CarrierDispatcher([{ channel: bind, windowSize: 1 }], OPTIONS);
    const outcomes = [
      sut.submit(part('bulk-1'), 'bulk'),
      sut.submit(part('bulk-2'), 'bulk'),
      sut.submit(part('tx-1'), 'transactional'),
      sut.submit(part('otp-1'), 'otp'),
      sut.submit(part('otp-2'), 'otp'),
    ];
    expect(bind.sent).toEqual(['bulk-1']);
    for (let i = 0; i < 5; i++) {
      bind.answer();
      await settle();
    }
    expect(bind.sent).toEqual(['bulk-1', 'otp-1', 'otp-2', 'tx-1', 'bulk-2']);
    expect((await Promise.all(outcomes)).every((outcome) => outcome.ok)).toBe(true);
  });

  it('never has more outstanding on a bind than its window, and balances across binds', async () => {
    const a = new FakeChannel();
    const b = new FakeChannel();
    const sut = new CarrierDispatcher(
      [
        { channel: a, windowSize: 3 },
        { channel: b, windowSize: 3 },
      ],
      OPTIONS,
    );
    for (let i = 0; i < 10; i++) void sut.submit(part(`m${i}`), 'transactional');
    expect([a.outstanding, b.outstanding]).toEqual([3, 3]);
    expect(sut.queued).toBe(4);
    b.answer();
    await settle();
    expect([a.outstanding, b.outstanding]).toEqual([3, 3]);
    expect(sut.dispatchedPerBind()).toEqual([3, 4]);
  });

  it('skips a bind that is down', () => {
    const down = new FakeChannel();
    down.canSubmitNow = false;
    const up = new FakeChannel();
    const sut = new CarrierDispatcher(
      [
        { channel: down, windowSize: 5 },
        { channel: up, windowSize: 5 },
      ],
      OPTIONS,
    );
    void sut.submit(part('a'), 'otp');
    void sut.submit(part('b'), 'otp');
    expect([down.sent, up.sent]).toEqual([[], ['a', 'b']]);
  });

  it('rests a throttled bind and sends the part again on the same carrier', async () => {
    const bind = new FakeChannel();
    const { sut, counts } = countingOne(bind);
    const outcome = sut.submit(part('t'), 'transactional');
    const throttledAt = performance.now();
    bind.answer(CommandStatus.ESME_RTHROTTLED);
    await settle();
    expect(bind.sent).toEqual(['t']);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(bind.sent).toEqual(['t', 't']);
    bind.answer();
    const result = await outcome;
    expect(result.ok && result.response.commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(performance.now() - throttledAt).toBeGreaterThanOrEqual(19);
    expect(counts).toEqual(['submitted', 'throttled', 'submitted']);
  });

  it('reports the throttling answer once the part has been retried throttleRetries times', async () => {
    const bind = new FakeChannel();
    const sut = new CarrierDispatcher([{ channel: bind, windowSize: 5 }], {
      ...OPTIONS,
      throttleBackoff: { ...OPTIONS.throttleBackoff, initialDelayMs: 1, maxDelayMs: 1 },
    });
    const outcome = sut.submit(part('q'), 'bulk');
    for (let i = 0; i < 3; i++) {
      while (bind.outstanding === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      bind.answer(CommandStatus.ESME_RMSGQFUL);
    }
    const result = await outcome;
    expect(result.ok && result.response.commandStatus).toBe(CommandStatus.ESME_RMSGQFUL);
    expect(bind.sent).toHaveLength(3);
  });

  it('gives a part up with SMPP_NOT_BOUND when no bind comes up in time', async () => {
    const bind = new FakeChannel();
    bind.canSubmitNow = false;
    const { sut, counts } = countingOne(bind);
    const result = await sut.submit(part('x'), 'otp');
    expect(result).toMatchObject({ ok: false, error: { code: 'SMPP_NOT_BOUND', sent: false } });
    // Never submitted: the binds' state is health's input, not a fault of a submit.
    expect(counts).toEqual(['errors']);
  });

  it("counts as faults the carrier's failures (failover kind), not refusals of the message", async () => {
    const bind = new FakeChannel();
    const { sut, counts } = countingOne(bind);
    const outcomes = ['a', 'b', 'c', 'd'].map((to) => sut.submit(part(to), 'transactional'));
    bind.answer(CommandStatus.ESME_RSYSERR);
    bind.answer(CommandStatus.ESME_RINVDSTADR);
    bind.fail(new SmppConnectionClosedError('connection-lost', true));
    bind.answer();
    await Promise.all(outcomes);
    const tally = (counter: string) => counts.filter((item) => item === counter).length;
    expect([tally('submitted'), tally('errors'), tally('faults')]).toEqual([4, 3, 2]);
  });

  it("tells faults by the carrier's own status lists", async () => {
    const bind = new FakeChannel();
    const { sut, counts } = countingOne(bind, {
      statusPolicy: {
        retryable: new Set([CommandStatus.ESME_RINVDSTADR]),
        final: new Set([CommandStatus.ESME_RSYSERR]),
      },
    });
    const outcomes = ['a', 'b'].map((to) => sut.submit(part(to), 'transactional'));
    bind.answer(CommandStatus.ESME_RSYSERR);
    bind.answer(CommandStatus.ESME_RINVDSTADR);
    await Promise.all(outcomes);
    expect(counts).toEqual(['submitted', 'submitted', 'errors', 'errors', 'faults']);
  });

  it('sends a waiting part as soon as a bind comes up', async () => {
    const bind = new FakeChannel();
    bind.canSubmitNow = false;
    const sut = new CarrierDispatcher([{ channel: bind, windowSize: 5 }], {
      ...OPTIONS,
      notBoundWaitMs: 5_000,
    });
    const outcome = sut.submit(part('later'), 'otp');
    bind.canSubmitNow = true;
    sut.wake();
    expect(bind.sent).toEqual(['later']);
    bind.answer();
    expect((await outcome).ok).toBe(true);
  });

  it('sends a part that was never written on another bind; one that may have been, it reports', async () => {
    const a = new FakeChannel();
    const b = new FakeChannel();
    const sut = new CarrierDispatcher(
      [
        { channel: a, windowSize: 1 },
        { channel: b, windowSize: 1 },
      ],
      OPTIONS,
    );
    const first = sut.submit(part('1'), 'otp');
    const second = sut.submit(part('2'), 'otp');
    a.fail(new SmppConnectionClosedError('connection-lost', false));
    b.fail(new SmppConnectionClosedError('connection-lost', true));
    await settle();
    expect(await second).toMatchObject({ ok: false, error: { sent: true } });
    // part 1 went again, to whichever bind had room
    expect([...a.sent, ...b.sent].filter((to) => to === '1')).toHaveLength(2);
    (a.outstanding > 0 ? a : b).answer();
    expect((await first).ok).toBe(true);
  });

  it('holds a per-bind rate with its token bucket', async () => {
    const bind = new FakeChannel();
    const sut = new CarrierDispatcher(
      [{ channel: bind, windowSize: 100, ratePerSecond: 200 }],
      OPTIONS,
    );
    const start = performance.now();
    const outcomes = Array.from({ length: 41 }, (_, i) => sut.submit(part(`r${i}`), 'bulk'));
    while (bind.sent.length < 41) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      while (bind.outstanding > 0) bind.answer();
    }
    await Promise.all(outcomes);
    // 41 at 200/s with a burst of 10: at least (41 - 10) / 200 s.
    expect(performance.now() - start).toBeGreaterThanOrEqual(150);
  });

  it('refuses what is queued when closed', async () => {
    const bind = new FakeChannel();
    const sut = new CarrierDispatcher([{ channel: bind, windowSize: 1 }], OPTIONS);
    const sent = sut.submit(part('a'), 'otp');
    const queued = sut.submit(part('b'), 'otp');
    sut.close();
    expect(await queued).toMatchObject({ ok: false, error: { code: 'SMPP_NOT_BOUND' } });
    bind.answer();
    expect((await sent).ok).toBe(true);
    expect(await sut.submit(part('c'), 'otp')).toMatchObject({ ok: false });
  });

  it('refuses later parts as not bound with the reason it was closed for (carrier disabled)', async () => {
    const sut = new CarrierDispatcher([{ channel: new FakeChannel(), windowSize: 1 }], OPTIONS);
    sut.close('carrier a disabled');
    const outcome = await sut.submit(part('late'), 'otp');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'SMPP_NOT_BOUND' } });
    expect(outcome.ok || outcome.error.message).toContain('carrier a disabled');
  });

  describe('binds replaced (the carrier settings changed)', () => {
    it('holds new parts while the window drains, then sends them on the new binds only', async () => {
      const old = new FakeChannel();
      const sut = new CarrierDispatcher([{ channel: old, windowSize: 5 }], OPTIONS);
      const inFlight = sut.submit(part('in-flight'), 'transactional');
      let drained = false;
      const held = sut.hold().then(() => (drained = true));
      const waiting = [sut.submit(part('during-1'), 'bulk'), sut.submit(part('during-2'), 'otp')];
      await settle();
      expect(old.sent).toEqual(['in-flight']);
      expect(drained).toBe(false);

      old.answer();
      await held;
      expect(await inFlight).toMatchObject({ ok: true });

      const fresh = new FakeChannel();
      fresh.canSubmitNow = false;
      sut.replaceBinds([{ channel: fresh, windowSize: 5 }], {});
      sut.resume();
      await settle();
      expect(fresh.sent).toEqual([]);
      fresh.canSubmitNow = true;
      sut.wake();
      expect(fresh.sent).toEqual(['during-2', 'during-1']);
      fresh.answer();
      fresh.answer();
      expect((await Promise.all(waiting)).every((outcome) => outcome.ok)).toBe(true);
      expect(old.sent).toEqual(['in-flight']);
    });

    it('resolves hold at once when nothing is in flight', async () => {
      const sut = new CarrierDispatcher([{ channel: new FakeChannel(), windowSize: 5 }], OPTIONS);
      await expect(sut.hold()).resolves.toBeUndefined();
    });

    it('lets no part give up for want of a bind while held, and restarts its wait on resume', async () => {
      jest.useFakeTimers();
      try {
        const down = new FakeChannel();
        down.canSubmitNow = false;
        const sut = new CarrierDispatcher([{ channel: down, windowSize: 5 }], {
          ...OPTIONS,
          notBoundWaitMs: 50,
          now: () => Date.now(),
        });
        let outcome: unknown;
        void sut.submit(part('waits'), 'otp').then((result) => (outcome = result));
        await sut.hold();
        await jest.advanceTimersByTimeAsync(1_000);
        expect(outcome).toBeUndefined();

        sut.replaceBinds([{ channel: down, windowSize: 5 }], {});
        sut.resume();
        await jest.advanceTimersByTimeAsync(49);
        expect(outcome).toBeUndefined();
        await jest.advanceTimersByTimeAsync(2);
        expect(outcome).toMatchObject({ ok: false, error: { code: 'SMPP_NOT_BOUND' } });
      } finally {
        jest.useRealTimers();
      }
    });

    it('applies the new carrier rate', async () => {
      const now = { ms: 0 };
      const bind = new FakeChannel();
      const sut = new CarrierDispatcher([{ channel: bind, windowSize: 50 }], {
        ...OPTIONS,
        now: () => now.ms,
      });
      await sut.hold();
      sut.replaceBinds([{ channel: bind, windowSize: 50 }], { carrierRatePerSecond: 2 });
      sut.resume();
      for (let i = 0; i < 10; i++) void sut.submit(part(`r${i}`), 'bulk');
      await settle();
      expect(bind.sent.length).toBeLessThanOrEqual(2);
      expect(bind.sent.length).toBeGreaterThan(0);
      sut.close();
    });
  });
});
