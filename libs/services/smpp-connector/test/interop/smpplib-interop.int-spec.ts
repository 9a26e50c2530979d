import { CommandStatus } from '@tuxhat/smpp';

import { ACCOUNT, ConnectorFixture, type RunningConnector } from '../support/connector-fixture';
import { PythonSmsc } from './python-smsc';

/**
 * Interoperability with an SMPP implementation not written here: python smpplib (PyPI) parses
 * and builds every PDU of the SMSC in smpplib_smsc.py. Covers bind, submit, receipt, MO, and
 * long messages the peer puts back together (UCS-2 with the 8-bit UDH, GSM with SAR TLVs).
 */
describe('smpp-connector against python smpplib', () => {
  let fixture: ConnectorFixture;
  const smsc = new PythonSmsc();
  let connector: RunningConnector;

  beforeAll(async () => {
    const port = await smsc.start(ACCOUNT);
    fixture = await ConnectorFixture.create('smpp_connector_smpplib');
    await fixture.seedCarrier('py', port);
    await fixture.seedCarrier('py-sar', port, { longMessages: 'sar', bindMode: 'transmitter' });
    connector = await fixture.start({ carriers: ['py', 'py-sar'] });
  }, 120_000);

  afterAll(async () => {
    await fixture?.stopConnectors();
    await smsc.stop();
    await fixture?.cleanup();
  });

  const messagesTo = (destination: string) =>
    smsc.waitFor(
      1,
      (event) => event.event === 'message' && `+${String(event['destination'])}` === destination,
    );

  it('binds as transceiver and as transmitter with the account', async () => {
    const binds = await smsc.waitFor(2, (event) => event.event === 'bind');
    expect(binds.map((bind) => bind['command']).sort()).toEqual([
      'bind_transceiver',
      'bind_transmitter',
    ]);
    expect(binds.every((bind) => bind['status'] === CommandStatus.ESME_ROK)).toBe(true);
  });

  it('submits, records the id smpplib gave, and takes its receipt before answering it', async () => {
    const event = fixture.outbound('py', 'Your code is 4711 [valid 5 min]');
    connector.publish(event);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    const [submit] = await smsc.waitFor(
      1,
      (item) =>
        item.event === 'submit' && `+${String(item['destination'])}` === event.message.destination,
    );
    expect(sent.parts).toEqual([{ partIndex: 0, carrierMessageId: submit['message_id'] }]);
    expect(submit).toMatchObject({ data_coding: 0, registered_delivery: 1, source: 'TuxHat' });
    const [message] = await messagesTo(event.message.destination);
    expect(message['text']).toBe('Your code is 4711 [valid 5 min]');

    const [receipt] = await connector.receipts.waitFor(
      1,
      (item) => item.carrierMessageId === submit['message_id'],
    );
    expect(receipt).toMatchObject({ carrierId: 'py', state: 'delivered', rawState: 'DELIVRD' });
    const answered = await smsc.waitFor(1, (item) => item.event === 'deliver_resp');
    expect(answered[0]['status']).toBe(CommandStatus.ESME_ROK);
  });

  it('sends a long UCS-2 message that smpplib reassembles from its UDH parts', async () => {
    const text =
      'Ваш платёж на сумму 1 250,00 € принят 👍 Спасибо, что пользуетесь нашим банком! '.repeat(2);
    const event = fixture.outbound('py', text);
    connector.publish(event);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    const [message] = await messagesTo(event.message.destination);
    expect(message).toMatchObject({ text, parts: 3 });
    expect(sent.parts).toHaveLength(3);
    const submits = smsc.events.filter(
      (item) =>
        item.event === 'submit' && `+${String(item['destination'])}` === event.message.destination,
    );
    expect(submits.map((item) => [item['data_coding'], item['esm_class']])).toEqual([
      [8, 0x40],
      [8, 0x40],
      [8, 0x40],
    ]);
  });

  it('sends a long GSM message numbered by SAR TLVs that smpplib reassembles', async () => {
    const text = 'Dear customer, your statement for November is ready in the app. '.repeat(4);
    const event = fixture.outbound('py-sar', text);
    connector.publish(event);
    await connector.sent.waitFor(1, (item) => item.messageId === event.message.messageId);
    const [message] = await messagesTo(event.message.destination);
    expect(message).toMatchObject({ text, parts: 2 });
  });

  it('takes MOs from smpplib, a long one as parts numbered by its UDH', async () => {
    smsc.sendMo('+38267555000', '1234', 'BAL');
    const [short] = await connector.mos.waitFor(1, (item) => item.source === '+38267555000');
    expect(short).toMatchObject({ carrierId: 'py', destination: '1234', text: 'BAL' });

    const long =
      'STOP all marketing messages from this sender and confirm by SMS when done please. '.repeat(
        3,
      );
    smsc.sendMo('+38267555001', '1234', long);
    const [sentMo] = await smsc.waitFor(
      1,
      (item) => item.event === 'mo_sent' && item['parts'] === 2,
    );
    expect(sentMo['data_coding']).toBe(0);
    const parts = await connector.mos.waitFor(2, (item) => item.source === '+38267555001');
    expect(parts.map((part) => part.concat?.seq)).toEqual([1, 2]);
    expect(parts.map((part) => part.text).join('')).toBe(long);
  });
});
