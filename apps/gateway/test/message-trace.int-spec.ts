import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import { flushTracing, startTracing, stopTracing } from '@tuxhat/observability';
import { freePort } from '@tuxhat/system-harness';
import { waitFor } from '@tuxhat/testing';

import { type RunningGateway, startGateway } from '../src/all-in-one';
import { readGatewayEnv } from '../src/gateway.config';

const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

const group = (span: ReadableSpan) => span.attributes['messaging.consumer.group.name'];

/**
 * One message through the all-in-one gateway (every service, the in-process bus, the SMSC
 * simulator as carrier): its spans form one trace, from the REST call (continuing the
 * caller's traceparent) through every hop to submit_sm, and on with the carrier's receipt
 * (which arrives on its own trace and is linked) to the final status and the accounting record.
 */
describe('one trace per message across every service (all-in-one)', () => {
  const exporter = new InMemorySpanExporter();
  const dataDir = mkdtempSync(join(tmpdir(), 'tuxhat-trace-'));
  let gateway: RunningGateway;

  beforeAll(async () => {
    startTracing({
      serviceName: 'tuxhat-gateway',
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    gateway = await startGateway(
      readGatewayEnv({
        TUXHAT_DATA_DIR: dataDir,
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        ADMIN_PORT: '0',
        SIMULATOR_PORT: String(await freePort()),
        SIMULATOR_DELIVERY_DELAY_MS: '20',
      }),
      quiet,
    );
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await stopTracing();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('follows the message from POST /v1/messages to submit_sm and back with the receipt, to accounting', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${gateway.httpUrl}/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gateway.demoApiKey}`,
        'content-type': 'application/json',
        traceparent: `00-${callerTrace}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    const inTrace = () =>
      exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === callerTrace);
    // The last hop: accounting publishes the message's record once its state is final.
    await waitFor(
      'the accounting record on the message trace',
      async () => {
        await flushTracing();
        return inTrace().some((s) => s.name.startsWith('send accounting.records'))
          ? true
          : undefined;
      },
      { timeoutMs: 60_000 },
    );

    const spans = inTrace();
    const named = (name: string, consumer?: string) =>
      spans.filter((s) => s.name === name && (consumer === undefined || group(s) === consumer));
    expect(named('POST /v1/messages')).toHaveLength(1);
    const hops = [
      ['process sms.submitted.v1', 'policy'],
      ['process sms.accepted.v1', 'routing'],
      ['process sms.outbound.v1', 'smpp-connector'],
      ['process sms.sent.v1', 'dlr'],
      ['process sms.status.v1', 'ingress'],
      ['process sms.status.v1', 'accounting'],
    ] as const;
    const missing = hops.filter(([name, consumer]) => named(name, consumer).length === 0);
    expect(missing).toEqual([]);
    for (const name of [
      'send sms.submitted.v1',
      'send sms.accepted.v1',
      'send sms.outbound.v1',
      'smpp submit_sm',
      'send sms.sent.v1',
    ]) {
      expect(named(name)).toHaveLength(1);
    }

    // Every span about this message is on its trace: nothing split off on the way.
    await flushTracing();
    const aboutMessage = exporter
      .getFinishedSpans()
      .filter((s) => s.attributes['tuxhat.message.id'] === id);
    expect(aboutMessage.length).toBeGreaterThanOrEqual(12);
    expect(new Set(aboutMessage.map((s) => s.spanContext().traceId))).toEqual(
      new Set([callerTrace]),
    );

    // The receipt: handled on its own trace (it came from the carrier), and linked from the
    // message's, where the final status (delivered) and the accounting record follow.
    const [match] = named('match receipt');
    expect(match).toBeDefined();
    const receipt = exporter
      .getFinishedSpans()
      .find((s) => s.spanContext().spanId === match.links[0]?.context.spanId);
    expect(receipt?.name).toBe('process sms.dlr.raw.v1');
    expect(receipt?.spanContext().traceId).not.toBe(callerTrace);
    const afterReceipt = spans.filter(
      (s) => s.parentSpanContext?.spanId === match.spanContext().spanId,
    );
    expect(afterReceipt.map((s) => s.name)).toContain('send sms.status.v1');
    const sent = named('process sms.sent.v1', 'dlr')[0];
    expect(match.parentSpanContext?.spanId).toBe(sent.spanContext().spanId);
  });
});
