import { lastValueFrom } from 'rxjs';

import type { OutgoingRecord } from '../bus-record';
import { KafkaEventClient } from './kafka-event.client';
import type { KafkaPort, KafkaProducerPort } from './kafka.port';

function fakeKafka(send: (records: readonly OutgoingRecord[]) => Promise<void>): KafkaPort {
  const producer: KafkaProducerPort = {
    connect: async () => undefined,
    send,
    disconnect: async () => undefined,
  };
  return {
    createProducer: () => producer,
    createConsumer: () => {
      throw new Error('not used');
    },
    createAdmin: () => {
      throw new Error('not used');
    },
  };
}

const record: OutgoingRecord = { topic: 't', key: null, value: Buffer.from('{}'), headers: {} };

describe(`${KafkaEventClient.name} health`, () => {
  it('is unready until connected, unready after a failed send, ready again after a good one', async () => {
    let fail = false;
    const sut = new KafkaEventClient(
      fakeKafka(async () => {
        if (fail) throw new Error('broker not available');
      }),
    );
    expect(sut.health()).toEqual({ ok: false, detail: 'producer not connected' });
    await sut.connect();
    expect(sut.health()).toEqual({ ok: true });

    fail = true;
    await expect(lastValueFrom(sut.emit('t', record), { defaultValue: undefined })).rejects.toThrow(
      'broker not available',
    );
    expect(sut.health()).toEqual({ ok: false, detail: 'last send failed: broker not available' });

    fail = false;
    await lastValueFrom(sut.emit('t', record), { defaultValue: undefined });
    expect(sut.health()).toEqual({ ok: true });
    await sut.close();
    expect(sut.health().ok).toBe(false);
  });
});
