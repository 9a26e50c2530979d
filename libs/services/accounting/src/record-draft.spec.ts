import { type SmsStatusEvent, newEnvelope } from '@tuxhat/contracts';

import { type MessageForRecord, draftOfMessage } from './accounting-records.repository';
import {
  type RecordDraft,
  applyStatusEvent,
  inOccurrenceOrder,
  isOpenForChange,
} from './record-draft';

const at = (second: number) => new Date(Date.UTC(2026, 10, 26, 10, 0, second)).toISOString();

function openDraft(history: Partial<MessageForRecord> = {}): RecordDraft {
  return draftOfMessage(
    {
      id: 'm1',
      tenantId: 'acme',
      destination: '+38267123456',
      source: 'Acme',
      priority: 'otp',
      parts: 2,
      encoding: 'gsm7',
      clientReference: null,
      metadata: null,
      createdAt: new Date(at(0)),
      carrierId: null,
      routeId: null,
      routedAt: null,
      costMinor: null,
      costCurrency: null,
      sentAt: null,
      ...history,
    },
    { country: 'ME', network: null },
    'EUR',
  );
}

const event = (
  status: SmsStatusEvent['status'],
  second: number,
  extra: Partial<SmsStatusEvent> = {},
): SmsStatusEvent => ({
  ...newEnvelope(new Date(at(second))),
  messageId: 'm1',
  tenantId: 'acme',
  status,
  source: 'test',
  ...extra,
});

/** The draft as it is after being written and published at its current revision. */
const published = (draft: RecordDraft): RecordDraft => ({
  ...draft,
  publishedRevision: draft.revision,
  publishPending: false,
});

describe('accounting record draft', () => {
  it('collects the steps: route, carrier and its cost, times', () => {
    const sut = openDraft();
    expect(
      applyStatusEvent(
        sut,
        event('routed', 1, {
          carrierId: 'telco-a',
          routeId: 'r1',
          cost: { minor: 4, currency: 'USD' },
        }),
      ),
    ).toBe('steps');
    expect(applyStatusEvent(sut, event('sent', 2, { carrierId: 'telco-a' }))).toBe('steps');
    expect(sut).toMatchObject({
      carrierId: 'telco-a',
      routeId: 'r1',
      costMinor: 4,
      costCurrency: 'USD',
      routedAt: new Date(at(1)),
      sentAt: new Date(at(2)),
      finalStatus: null,
      revision: 0,
    });
  });

  it('a reroute replaces carrier and cost; an older routing does not', () => {
    const sut = openDraft();
    applyStatusEvent(
      sut,
      event('routed', 1, { carrierId: 'telco-a', cost: { minor: 4, currency: 'EUR' } }),
    );
    applyStatusEvent(
      sut,
      event('routed', 5, { carrierId: 'telco-b', cost: { minor: 6, currency: 'EUR' } }),
    );
    expect(applyStatusEvent(sut, event('routed', 3, { carrierId: 'telco-c' }))).toBe('none');
    expect(sut).toMatchObject({ carrierId: 'telco-b', costMinor: 6, routedAt: new Date(at(5)) });
  });

  it('starts from the steps the history holds; events older than them change nothing', () => {
    const steps = {
      carrierId: 'telco-a',
      routeId: 'r1',
      routedAt: new Date(at(3)),
      costMinor: 4,
      costCurrency: 'USD',
      sentAt: new Date(at(4)),
    };
    const sut = openDraft(steps);
    expect(sut).toMatchObject({
      ...steps,
      finalStatus: null,
      rowVersion: -1,
    });
    expect(applyStatusEvent(sut, event('routed', 1, { carrierId: 'telco-z' }))).toBe('none');
    expect(applyStatusEvent(sut, event('sent', 2, { carrierId: 'telco-z' }))).toBe('none');
    expect(sut.carrierId).toBe('telco-a');
  });

  it('without history, starts with no route, cost 0 in the default currency', () => {
    expect(openDraft()).toMatchObject({
      carrierId: null,
      routeId: null,
      routedAt: null,
      sentAt: null,
      costMinor: 0,
      costCurrency: 'EUR',
    });
  });

  it('becomes final once: revision 1, pending publication; a replay or another final state changes nothing', () => {
    const sut = openDraft();
    expect(applyStatusEvent(sut, event('delivered', 9, { carrierId: 'telco-a' }))).toBe('final');
    expect(sut).toMatchObject({
      finalStatus: 'delivered',
      finalAt: new Date(at(9)),
      revision: 1,
      publishPending: true,
    });
    expect(applyStatusEvent(sut, event('delivered', 9))).toBe('none');
    expect(applyStatusEvent(sut, event('undeliverable', 12, { errorCode: '001' }))).toBe('none');
    expect(sut.finalStatus).toBe('delivered');
  });

  it('costs nothing when no carrier took the message', () => {
    const sut = openDraft();
    applyStatusEvent(
      sut,
      event('routed', 1, { carrierId: 'telco-a', cost: { minor: 4, currency: 'EUR' } }),
    );
    applyStatusEvent(sut, event('failed', 2, { errorCode: '0x45' }));
    expect(sut).toMatchObject({ costMinor: 0, errorCode: '0x45' });
  });

  it('corrects an assumed final state with a carrier receipt: in place before publication', () => {
    const sut = openDraft();
    applyStatusEvent(sut, event('expired', 60));
    expect(applyStatusEvent(sut, event('delivered', 61))).toBe('correction');
    expect(sut).toMatchObject({ finalStatus: 'delivered', revision: 1 });
  });

  it('corrects a published record as revision + 1', () => {
    const first = openDraft();
    applyStatusEvent(first, event('unknown', 60));
    const sut = published(first);
    expect(isOpenForChange(sut)).toBe(false);
    expect(applyStatusEvent(sut, event('sent', 2))).toBe('none'); // steps of a record out are fixed
    expect(applyStatusEvent(sut, event('undeliverable', 70, { errorCode: '011' }))).toBe(
      'correction',
    );
    expect(sut).toMatchObject({
      finalStatus: 'undeliverable',
      revision: 2,
      publishPending: true,
      errorCode: '011',
    });
  });

  it('corrects a claimed record (possibly going out right now) as a new revision too', () => {
    const sut: RecordDraft = { ...openDraft(), publishClaimed: true };
    applyStatusEvent(sut, event('expired', 60));
    // became final in an earlier batch and was claimed by a publisher
    const claimed: RecordDraft = { ...sut, publishClaimed: true };
    expect(applyStatusEvent(claimed, event('delivered', 61))).toBe('correction');
    expect(claimed.revision).toBe(2);
  });

  it('orders a batch by occurrence, so an older receipt wins over a later expiry', () => {
    const sut = openDraft();
    for (const e of inOccurrenceOrder([event('expired', 60), event('delivered', 30)]))
      applyStatusEvent(sut, e);
    expect(sut).toMatchObject({ finalStatus: 'delivered', finalAt: new Date(at(30)), revision: 1 });
  });
});
