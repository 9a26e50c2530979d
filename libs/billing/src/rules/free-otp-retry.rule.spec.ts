import type { PriorityClass } from '@tuxhat/contracts';

import type { BillableMessage, Charge } from '../billing-rule';
import { LoadedMessageHistory } from '../message-history';
import { FreeOtpRetryRule } from './free-otp-retry.rule';

const t0 = Date.parse('2026-11-26T10:00:00.000Z');
const minutes = (n: number) => new Date(t0 + n * 60_000);
const list: Charge = { amountMinor: 6, currency: 'EUR', listPriceMinor: 6, adjustments: [] };

function message(
  id: string,
  at: number,
  cls: PriorityClass = 'otp',
  to = '+38267123456',
): BillableMessage {
  return {
    messageId: id,
    tenantId: 'acme',
    destination: to,
    classOfService: cls,
    parts: 1,
    acceptedAt: minutes(at),
  };
}

/** Prices every message against the full history, as accounting does when they finish. */
function price(sut: FreeOtpRetryRule, messages: readonly BillableMessage[]): number[] {
  const history = new LoadedMessageHistory(messages);
  return messages.map((m) => sut.afterFinal(list, { message: m, history }).amountMinor);
}

describe(FreeOtpRetryRule.name, () => {
  it('charges the first OTP, frees the retry within the window, charges one after the window', () => {
    const sut = new FreeOtpRetryRule({ windowMinutes: 5, maxFreeRetries: 1 });
    const messages = [message('a', 0), message('b', 3), message('c', 20)];
    expect(price(sut, messages)).toEqual([6, 0, 6]);
    const history = new LoadedMessageHistory(messages);
    expect(sut.afterFinal(list, { message: messages[1], history }).adjustments).toEqual([
      { rule: 'free-otp-retry', note: 'OTP retry 1 of 1 free within 5 min', amountMinor: 0 },
    ]);
  });

  it('frees at most maxFreeRetries per burst, so a number asked every minute is not free', () => {
    const sut = new FreeOtpRetryRule({ windowMinutes: 5, maxFreeRetries: 2 });
    const messages = [0, 2, 4, 6, 8, 10].map((at, index) => message(`m${index}`, at));
    expect(price(sut, messages)).toEqual([6, 0, 0, 6, 6, 6]);
  });

  it('leaves other classes, other numbers and other tenants alone', () => {
    const sut = new FreeOtpRetryRule({ windowMinutes: 5, maxFreeRetries: 1 });
    const messages = [
      message('a', 0),
      message('b', 1, 'transactional'),
      message('c', 2, 'otp', '+38267999999'),
    ];
    expect(price(sut, messages)).toEqual([6, 6, 6]);
    const otherTenant = { ...message('d', 1), tenantId: 'globex' };
    const history = new LoadedMessageHistory([...messages, otherTenant]);
    expect(sut.afterFinal(list, { message: otherTenant, history }).amountMinor).toBe(6);
  });

  it('gives the same answer whatever order messages finish in (acceptance order decides)', () => {
    const sut = new FreeOtpRetryRule({ windowMinutes: 5, maxFreeRetries: 1 });
    // b finishes first: it is still the retry, a still the paid one.
    const messages = [message('b', 3), message('a', 0)];
    expect(price(sut, messages)).toEqual([0, 6]);
  });

  it('asks for the history it needs: bounded, OTP only', () => {
    const sut = new FreeOtpRetryRule({ windowMinutes: 5, maxFreeRetries: 2 });
    expect(sut.history).toEqual({ lookbackMs: 15 * 60_000, classes: ['otp'] });
  });
});
