import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';

import { SMS_STATUS, type SmsStatusEvent, newEnvelope } from '@tuxhat/contracts';
import { ThreadBridgedBroker, encodeEvent } from '@tuxhat/messaging';
import { HealthChecks, Metrics } from '@tuxhat/observability';
import { TopicRecorder } from '@tuxhat/testing';

import { type RunningIngressThread, startIngressThread } from '../src/ingress-thread';

/**
 * A stand-in for ingress-worker.js (which only exists built): it speaks the same protocol, the
 * bridge's on its bus port and the gateway's on its parent port, without booting ingress. It
 * echoes each sms.status event back on `stand-in.echo`, and obeys `unready` and `die` records
 * on `stand-in.control`.
 */
const STAND_IN = `
const { parentPort, workerData } = require('node:worker_threads');
const { bus, httpHost, httpPort, grpcHost, grpcPort } = workerData;
if (httpHost === 'fail') throw new Error('stand-in could not start');
let ready = true;
bus.on('message', (message) => {
  if (message.kind === 'ping') bus.postMessage({ kind: 'pong', id: message.id });
  if (message.kind === 'pong') {
    parentPort.postMessage({ kind: 'ready', httpUrl: 'http://' + httpHost + ':' + httpPort, grpcUrl: grpcHost + ':' + grpcPort });
  }
  if (message.kind !== 'records') return;
  for (const record of message.records) {
    if (record.topic !== 'stand-in.control') {
      bus.postMessage({ kind: 'records', records: [{ ...record, topic: 'stand-in.echo' }] });
    } else if (Buffer.from(record.value).toString() === 'unready') {
      ready = false;
    } else {
      throw new Error('stand-in died');
    }
  }
});
for (const topic of ['sms.status.v1', 'stand-in.control']) bus.postMessage({ kind: 'subscribe', topic });
// Ready once the main thread has the subscriptions, as the real worker does (broker.synced()),
// unless told to hang while booting.
if (httpHost !== 'hang') bus.postMessage({ kind: 'ping', id: 0 });
parentPort.on('message', (message) => {
  if (message.kind === 'metrics') {
    const snapshot = [{ name: 'tuxhat_stand_in_total', help: 'stand-in', type: 'counter', aggregator: 'sum', values: [{ value: 7, labels: {} }] }];
    parentPort.postMessage({ kind: 'metrics', id: message.id, snapshot });
  }
  if (message.kind === 'readiness') {
    const report = ready
      ? { ok: true, status: 'ok', checks: [] }
      : { ok: false, status: 'failing', checks: [{ name: 'bus consumer ingress', ok: false, detail: 'draining' }] };
    parentPort.postMessage({ kind: 'readiness', id: message.id, report });
  }
  if (message.kind === 'close') {
    bus.close();
    parentPort.postMessage({ kind: 'closed' });
  }
});
`;

function status(messageId: string): SmsStatusEvent {
  return { ...newEnvelope(), messageId, tenantId: 'acme', status: 'sent', source: 'test' };
}

describe('ingress on a worker thread (startIngressThread)', () => {
  const entry = join(mkdtempSync(join(tmpdir(), 'tuxhat-ingress-thread-')), 'stand-in.cjs');
  writeFileSync(entry, STAND_IN);

  let broker: ThreadBridgedBroker;
  let metrics: Metrics;
  let health: HealthChecks;
  let deaths: Error[];
  let died: Promise<Error>;
  let thread: RunningIngressThread | undefined;

  function start(httpHost = '127.0.0.1', startTimeoutMs?: number): Promise<RunningIngressThread> {
    const channel = new MessageChannel();
    broker = new ThreadBridgedBroker(channel.port1);
    metrics = new Metrics();
    health = new HealthChecks();
    health.markStarted();
    deaths = [];
    let onDeath: (error: Error) => void = () => undefined;
    died = new Promise((resolve) => (onDeath = resolve));
    return startIngressThread({
      entry,
      workerData: {
        bus: channel.port2,
        databaseUrl: 'postgresql://unused',
        httpHost,
        httpPort: 8080,
        grpcHost: '127.0.0.1',
        grpcPort: 50051,
        backlog: new SharedArrayBuffer(4),
        backlogLimit: 100_000,
      },
      onDeath: (error) => {
        deaths.push(error);
        onDeath(error);
      },
      metrics,
      health,
      startTimeoutMs,
    });
  }

  afterEach(async () => {
    await thread?.close();
    thread = undefined;
    broker.close();
  });

  it('starts, carries events both ways, and merges its metrics and readiness', async () => {
    thread = await start();
    expect(thread).toMatchObject({ httpUrl: 'http://127.0.0.1:8080', grpcUrl: '127.0.0.1:50051' });

    const echoed = new TopicRecorder(SMS_STATUS, broker, 'stand-in.echo');
    broker.publish([encodeEvent(SMS_STATUS, status('m1')), encodeEvent(SMS_STATUS, status('m2'))]);
    const events = await echoed.waitFor(2);
    expect(events.map((event) => event.messageId)).toEqual(['m1', 'm2']);

    expect(await metrics.render()).toContain('tuxhat_stand_in_total{thread="ingress"} 7');
    expect(await health.report('readiness')).toMatchObject({
      ok: true,
      checks: [{ name: 'ingress worker', ok: true }],
    });

    broker.publishOne(control('unready'));
    await broker.synced();
    expect(await health.report('readiness')).toMatchObject({
      ok: false,
      checks: [{ name: 'ingress worker', ok: false, detail: 'bus consumer ingress: draining' }],
    });
  });

  it('reports the death of a started worker', async () => {
    thread = await start();
    broker.publishOne(control('die'));
    expect((await died).message).toBe('stand-in died');
    // Its checks fail at once now, and closing it is still safe.
    expect(await health.report('readiness')).toMatchObject({
      ok: false,
      checks: [{ name: 'ingress worker', ok: false, detail: 'ingress worker exited with code 1' }],
    });
  });

  it('fails the start with the reason the worker gave, and closes without a death', async () => {
    await expect(start('fail')).rejects.toThrow('stand-in could not start');
    broker.close();
    thread = await start();
    await thread.close();
    expect(deaths).toEqual([]);
  });

  it('fails the start of a worker that does not serve in time, and ends it', async () => {
    await expect(start('hang', 300)).rejects.toThrow('ingress worker did not start within 300 ms');
    expect(deaths).toEqual([]);
  });
});

function control(command: 'unready' | 'die') {
  return { topic: 'stand-in.control', key: null, value: Buffer.from(command), headers: {} };
}
