// bench/dlr: delivery receipts from the carrier to the tenant's webhook.
//   node dist/bench/dlr.js [--systems=kannel,all-in-one-postgres,...] [--messages=10000]
// Run through bench/run.sh, which starts PostgreSQL and Kafka and builds first.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import { integerFlag, runBench } from './lib/cli';
import { cpuCells, measureCpu } from './lib/cpu';
import { settled, waitForSubmits } from './lib/drain';
import { extremes, paced, quantile } from './lib/load';
import { type Row, fmt, markdown } from './lib/report';
import { type RunningSystem, selectedSystems, startSystem } from './lib/systems';
import { startWalCount, walPerItem } from './lib/wal';
import { WebhookReceiver } from './lib/webhook-receiver';
import { destination } from './targets/target';

async function main(): Promise<void> {
  const messages = integerFlag(process.argv, 'messages', 10_000);
  const rows: Row[] = [];
  for (const name of selectedSystems(process.argv)) {
    const receiver = new WebhookReceiver();
    await receiver.start();
    // Like Kannel's dlr-mask=1: only the final status is called back.
    const system = await startSystem(name, { finalReportsTo: receiver.pathUrl });
    try {
      rows.push(await saturation(system, receiver, messages, name === 'kannel'));
      rows.push(await pacedLatency(system, receiver, name === 'kannel'));
    } finally {
      await receiver.stop();
      await system.stop();
    }
  }
  console.log(
    markdown('bench/dlr', `node dist/bench/dlr.js ${process.argv.slice(2).join(' ')}`, rows),
  );
}

/** When the simulator sent each receipt, by the text of its message (from the simulator's log). */
async function receiptTimesByText(system: RunningSystem): Promise<Map<string, number>> {
  const textById = new Map(
    (await system.simulator.submits()).map((submit) => [submit.messageId, submit.text]),
  );
  const sentAt = new Map<string, number>();
  // From the log file: the process keeps only the last megabytes of its output in memory.
  const logFile = system.simulator.process.logFile;
  if (!logFile) throw new Error('the simulator was not started');
  const lines = createInterface({ input: createReadStream(logFile), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes('"deliver_sm.receipt"')) continue;
    const event = JSON.parse(line) as { ts: string; messageId: string };
    const text = textById.get(event.messageId);
    if (text !== undefined && !sentAt.has(text)) sentAt.set(text, Date.parse(event.ts));
  }
  return sentAt;
}

async function waitForReports(
  receiver: WebhookReceiver,
  refs: readonly string[],
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && refs.some((ref) => !receiver.arrivals.has(ref))) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Sends one request per item, `concurrency` at a time, and returns when every one answered.
 * (Not closedLoop: its workers run until a deadline, and a worker with nothing left to send
 * spins on resolved promises without ever yielding to the event loop, which starved this
 * process's webhook receiver for the rest of the 120 s.)
 */
async function sendAll(
  items: readonly string[],
  concurrency: number,
  send: (item: string, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await send(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** `messages` messages as fast as the API takes them; receipts per second reaching the webhook. */
async function saturation(
  system: RunningSystem,
  receiver: WebhookReceiver,
  messages: number,
  kannel: boolean,
): Promise<Row> {
  const { target, simulator } = system;
  // A warm-up run of the same size first, not counted (bench/lib/warm-up.ts says why).
  await lifecycles(system, receiver, 'warm-', messages, kannel);
  await settled(system, `${target.name} (warm-up)`);
  const refs = Array.from({ length: messages }, (_, n) => `sat-${n}`);
  let busyNote = '';
  const walWritten = await startWalCount(target);
  const cpu = await measureCpu(
    target.pids(),
    async () => {
      await lifecycles(system, receiver, 'sat-', messages, kannel);
      // Accounting and the rest finish after the webhook: their CPU counts, and must not run
      // into the paced scenario that follows.
      busyNote = await settled(system);
    },
    simulator,
  );
  const wal = await walWritten();
  const receiptsSent = await receiptTimesByText(system);
  const firstReceipt = extremes(refs.flatMap((ref) => receiptsSent.get(ref) ?? [])).min;
  const arrivals = refs.flatMap((ref) => receiver.arrivals.get(ref) ?? []);
  const lastArrival = extremes(arrivals).max;
  return {
    target: target.name,
    scenario: `${messages.toLocaleString('en-US')} messages, receipts to webhook${busyNote}`,
    cells: {
      'receipts/s': fmt.rate((arrivals.length * 1000) / (lastArrival - firstReceipt)),
      'reports received': `${arrivals.length}/${refs.length}`,
      // Whole lifecycles: the message's submission, its receipt, its webhook.
      ...cpuCells(cpu, arrivals.length, 'receipt'),
      'PostgreSQL WAL/receipt': walPerItem(wal, arrivals.length),
    },
  };
}

/** `count` messages sent 64 at a time, until the carrier has them all and their reports came. */
async function lifecycles(
  { target, simulator }: RunningSystem,
  receiver: WebhookReceiver,
  prefix: string,
  count: number,
  kannel: boolean,
): Promise<void> {
  const before = await simulator.submitCount();
  const refs = Array.from({ length: count }, (_, n) => `${prefix}${n}`);
  await sendAll(refs, 64, (ref, n) =>
    target.submit(destination(n), ref, { reportUrl: receiver.urlFor(ref, kannel) }),
  );
  await waitForSubmits(simulator, before + refs.length, 300_000);
  await waitForReports(receiver, refs, 300_000);
}

/** 1,000 messages/s for 10 s: time from the carrier's receipt to the tenant's webhook. */
async function pacedLatency(
  system: RunningSystem,
  receiver: WebhookReceiver,
  kannel: boolean,
): Promise<Row> {
  const { target } = system;
  const refs: string[] = [];
  await paced({
    perSecond: 1_000,
    durationMs: 10_000,
    send: (n) => {
      const ref = `paced-${n}`;
      refs.push(ref);
      return target.submit(destination(n), ref, { reportUrl: receiver.urlFor(ref, kannel) });
    },
  });
  await waitForReports(receiver, refs, 120_000);
  const receiptsSent = await receiptTimesByText(system);
  const added = Float64Array.from(
    refs.flatMap((ref) => {
      const sent = receiptsSent.get(ref);
      const arrived = receiver.arrivals.get(ref);
      return sent === undefined || arrived === undefined ? [] : [arrived - sent];
    }),
  );
  return {
    target: target.name,
    scenario: 'paced 1,000/s, carrier receipt to webhook',
    cells: {
      'reports received': `${added.length}/${refs.length}`,
      'added p50': fmt.ms(quantile(added, 0.5)),
      'added p99': fmt.ms(quantile(added, 0.99)),
    },
  };
}

runBench(main);
