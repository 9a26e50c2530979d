import { z } from 'zod';

import { BillingEngine } from './billing-engine';
import { type BillableMessage, type BillingRule, NO_HISTORY, adjustCharge } from './billing-rule';
import { LoadedMessageHistory } from './message-history';
import { BILLING_RULE_TYPES, type BillingRuleConfig, type BillingRuleType } from './rule-registry';
import type { Tariff } from './tariff';

const tariffs: Tariff[] = [
  { id: 'me', tenantId: null, prefix: '382', classOfService: null, priceMinor: 5, currency: 'EUR' },
];

const message = (
  id: string,
  minute: number,
  fields: Partial<BillableMessage> = {},
): BillableMessage => ({
  messageId: id,
  tenantId: 'acme',
  destination: '+38267123456',
  classOfService: 'otp',
  parts: 2,
  acceptedAt: new Date(Date.UTC(2026, 10, 26, 10, minute)),
  ...fields,
});

const rule = (
  fields: Partial<BillingRuleConfig> & Pick<BillingRuleConfig, 'id' | 'rule'>,
): BillingRuleConfig => ({
  tenantId: null,
  params: {},
  position: 0,
  enabled: true,
  ...fields,
});

/** A custom rule type, registered the way a deployment adds its own: a volume discount. */
const discount: BillingRuleType = {
  params: z.strictObject({ percent: z.int().min(1).max(100) }),
  create: (params): BillingRule => {
    const { percent } = params as { percent: number };
    return {
      name: 'discount',
      afterFinal: (charge) =>
        adjustCharge(
          charge,
          'discount',
          Math.round((charge.amountMinor * (100 - percent)) / 100),
          `${percent}% off`,
        ),
    };
  },
};
const types = new Map([...BILLING_RULE_TYPES, ['discount', discount]]);
const postpaidOnSubmit = { mode: 'postpaid', chargeOn: 'submit' } as const;
const prepaidOnDelivery = { mode: 'prepaid', chargeOn: 'delivery' } as const;

describe(BillingEngine.name, () => {
  it('charges the tariff for all parts when no rule applies', () => {
    const sut = new BillingEngine({ tariffs, rules: [] }, 'EUR');
    expect(sut.finalCharge(message('a', 0), 'delivered', postpaidOnSubmit, NO_HISTORY)).toEqual({
      charged: true,
      charge: {
        amountMinor: 10,
        currency: 'EUR',
        listPriceMinor: 10,
        tariffId: 'me',
        adjustments: [],
      },
    });
  });

  it('charges 0 in the default currency without a tariff', () => {
    const sut = new BillingEngine({ tariffs: [], rules: [] }, 'CHF');
    expect(
      sut.finalCharge(message('a', 0), 'delivered', postpaidOnSubmit, NO_HISTORY).charge,
    ).toEqual({
      amountMinor: 0,
      currency: 'CHF',
      listPriceMinor: 0,
      adjustments: [],
    });
  });

  it('charge on delivery refunds what was not delivered; rejected is never charged', () => {
    const sut = new BillingEngine({ tariffs, rules: [] }, 'EUR');
    const failed = sut.finalCharge(message('a', 0), 'undeliverable', prepaidOnDelivery, NO_HISTORY);
    expect(failed.charged).toBe(false);
    expect(failed.charge.amountMinor).toBe(0);
    expect(failed.charge.adjustments.map((a) => a.rule)).toEqual(['charge-on-delivery']);
    expect(
      sut.finalCharge(message('a', 0), 'undeliverable', postpaidOnSubmit, NO_HISTORY).charged,
    ).toBe(true);
    const rejected = sut.finalCharge(message('a', 0), 'rejected', postpaidOnSubmit, NO_HISTORY);
    expect([rejected.charged, rejected.charge.amountMinor]).toEqual([false, 0]);
  });

  it('composes rules in position order, global and tenant rules together', () => {
    const sut = new BillingEngine(
      {
        tariffs,
        rules: [
          rule({
            id: 'r2',
            rule: 'discount',
            tenantId: 'acme',
            params: { percent: 50 },
            position: 2,
          }),
          rule({ id: 'r1', rule: 'free-otp-retry', position: 1 }),
          rule({ id: 'r3', rule: 'discount', tenantId: 'globex', params: { percent: 10 } }),
          rule({ id: 'r4', rule: 'discount', params: { percent: 90 }, enabled: false }),
        ],
      },
      'EUR',
      types,
    );
    expect(sut.rulesFor('acme').map((r) => r.name)).toEqual(['free-otp-retry', 'discount']);
    const first = message('a', 0);
    const retry = message('b', 2);
    const history = new LoadedMessageHistory([first, retry]);
    expect(sut.finalCharge(first, 'delivered', postpaidOnSubmit, history).charge.amountMinor).toBe(
      5,
    );
    const free = sut.finalCharge(retry, 'delivered', postpaidOnSubmit, history).charge;
    expect(free.amountMinor).toBe(0);
    expect(free.adjustments.map((a) => a.rule)).toEqual(['free-otp-retry', 'discount']);
  });

  it('applies the same rules before the charge, for prepaid reservations', () => {
    const sut = new BillingEngine(
      { tariffs, rules: [rule({ id: 'r1', rule: 'free-otp-retry' })] },
      'EUR',
    );
    const first = message('a', 0);
    const retry = message('b', 2);
    const history = new LoadedMessageHistory([first]);
    expect(sut.preCharge(first, history).amountMinor).toBe(10);
    expect(sut.preCharge(retry, history).amountMinor).toBe(0);
  });

  it('reports rule rows it cannot build and skips them', () => {
    const sut = new BillingEngine(
      {
        tariffs,
        rules: [
          rule({ id: 'bad-type', rule: 'no-such-rule' }),
          rule({ id: 'bad-params', rule: 'free-otp-retry', params: { windowMinutes: 0 } }),
        ],
      },
      'EUR',
      types,
    );
    expect(sut.configErrors.map((e) => e.message)).toEqual([
      expect.stringContaining('billing rule bad-type: unknown rule type "no-such-rule"'),
      expect.stringContaining('billing rule bad-params: params.windowMinutes'),
    ]);
    expect(sut.rulesFor('acme')).toEqual([]);
  });

  it('asks for history only for the messages its rules look back at', () => {
    const sut = new BillingEngine(
      {
        tariffs,
        rules: [
          rule({
            id: 'r1',
            rule: 'free-otp-retry',
            tenantId: 'acme',
            params: { windowMinutes: 5 },
          }),
        ],
      },
      'EUR',
    );
    expect(sut.historyRequest([message('a', 10, { classOfService: 'bulk' })])).toBeNull();
    expect(sut.historyRequest([message('a', 10, { tenantId: 'globex' })])).toBeNull();
    expect(
      sut.historyRequest([message('a', 10), message('b', 20, { destination: '+38269000000' })]),
    ).toEqual({
      tenantIds: ['acme'],
      destinations: ['+38267123456', '+38269000000'],
      classes: ['otp'],
      from: new Date(Date.UTC(2026, 10, 26, 10, 0)),
      to: new Date(Date.UTC(2026, 10, 26, 10, 20)),
    });
  });

  it('prices a correction from the list price it was first charged with', () => {
    const sut = new BillingEngine({ tariffs: [], rules: [] }, 'EUR');
    const list = {
      amountMinor: 8,
      currency: 'USD',
      listPriceMinor: 8,
      tariffId: 'old',
      adjustments: [],
    };
    expect(
      sut.finalCharge(message('a', 0), 'delivered', prepaidOnDelivery, NO_HISTORY, list),
    ).toEqual({
      charged: true,
      charge: list,
    });
  });
});
