import { DataCoding, EsmClass, parseAbsoluteTime } from '@tuxhat/smpp';
import { SmscSimulator } from '@tuxhat/smsc-simulator';

import { ACCOUNT, ConnectorFixture, type RunningConnector } from './support/connector-fixture';

/** data_coding and long-message method per carrier, validity period, registered_delivery. */
describe('smpp-connector encodings per carrier', () => {
  let fixture: ConnectorFixture;
  let simulator: SmscSimulator;
  let connector: RunningConnector;

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_connector_encodings');
    simulator = new SmscSimulator({ accounts: [ACCOUNT], deliveryDelayMs: 10 });
    const { port } = await simulator.start();
    await fixture.seedCarrier('latin', port, {
      alphabets: ['gsm7', 'latin1', 'ucs2'],
      longMessages: 'udh16',
    });
    await fixture.seedCarrier('sar', port, { longMessages: 'sar', registeredDelivery: 'none' });
    await fixture.seedCarrier('payload', port, { longMessages: 'payload' });
    connector = await fixture.start({ carriers: ['latin', 'sar', 'payload'] });
  });

  afterAll(async () => {
    await fixture?.stopConnectors();
    await simulator?.stop();
    await fixture?.cleanup();
  });

  async function send(carrierId: string, text: string, validUntil?: string) {
    const event = fixture.outbound(carrierId, text, validUntil ? { message: { validUntil } } : {});
    connector.publish(event);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    const submits = simulator
      .received()
      .filter((record) => `+${record.destinationAddr}` === event.message.destination);
    return { event, sent, submits };
  }

  it('sends accented text as Latin-1 (data_coding 0x03) to a carrier that takes it, 16-bit UDH when long', async () => {
    const text = 'Olá! A sua encomenda nº 42 já está a caminho, obrigado pela preferência. '.repeat(
      2,
    );
    const { submits, sent } = await send('latin', text);
    expect(submits).toHaveLength(2);
    for (const [index, submit] of submits.entries()) {
      expect(submit.dataCoding).toBe(DataCoding.LATIN1);
      expect(submit.esmClass & EsmClass.UDHI).toBe(EsmClass.UDHI);
      expect(submit.udh?.subarray(0, 3).toString('hex')).toBe('060804'); // IE 0x08, 16-bit reference
      expect(submit.concat).toMatchObject({ total: 2, sequence: index + 1 });
    }
    expect(submits.map((submit) => submit.text).join('')).toBe(text);
    expect(sent.parts).toHaveLength(2);
  });

  it('numbers parts with SAR TLVs and asks for no receipt when the carrier says so', async () => {
    const text = 'SAR numbered parts: '.repeat(12);
    const { submits } = await send('sar', text);
    expect(submits).toHaveLength(2);
    for (const [index, submit] of submits.entries()) {
      expect(submit.esmClass).toBe(0);
      expect(submit.udh).toBeUndefined();
      expect(submit.sar).toMatchObject({ total: 2, sequence: index + 1 });
      expect(submit.registeredDelivery).toBe(0);
    }
    expect(submits.map((submit) => submit.text).join('')).toBe(text);
  });

  it('sends a long text whole in message_payload, and the validity as an absolute time', async () => {
    const text = 'Один длинный текст в message_payload. '.repeat(5);
    const validUntil = '2031-05-06T07:08:09.500Z';
    const { submits, sent } = await send('payload', text, validUntil);
    expect(submits).toHaveLength(1);
    expect(submits[0]).toMatchObject({
      viaMessagePayload: true,
      dataCoding: DataCoding.UCS2,
      text,
      validityPeriod: '310506070809500+',
      registeredDelivery: 1,
    });
    expect(parseAbsoluteTime(submits[0].validityPeriod)?.toISOString()).toBe(validUntil);
    expect(sent.parts).toEqual([{ partIndex: 0, carrierMessageId: submits[0].messageId }]);
  });
});
