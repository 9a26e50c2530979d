// bench/carrier: end to end, from the tenant API to submit_sm at the carrier (the simulator).
//   node dist/bench/carrier.js [--systems=kannel,all-in-one-postgres,...] [--seconds=15] [--receipts=off]
//                              [--wrk-threads=2] [--wrk-connections=64]
// Run through bench/run.sh, which starts PostgreSQL and Kafka, installs wrk and builds first.
import { performance } from 'node:perf_hooks';

import { runBench } from './lib/cli';
import { cpuByProcess, cpuCells, measureCpu } from './lib/cpu';
import { carriedThrough, waitForSubmits } from './lib/drain';
import { closedLoop, extremes, paced, quantile } from './lib/load';
import { type Row, fmt, markdown } from './lib/report';
import { type MessageTimes, stageDurations, timesOf } from './lib/stages';
import { type RunningSystem, receiptsWanted, selectedSystems, startSystem } from './lib/systems';
import { WARMUP_SECONDS } from './lib/warm-up';
import { startWalCount, walPerItem } from './lib/wal';
import { type LoadSettings, loadSettings, saturate } from './lib/wrk';
import { destination } from './targets/target';

const wallClock = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const settings = loadSettings(process.argv);
  const receipts = receiptsWanted(process.argv);
  const rows: Row[] = [];
  for (const name of selectedSystems(process.argv)) {
    const system = await startSystem(name, { receipts });
    try {
      rows.push(...(await saturation(system, settings)));
      rows.push(...(await pacedLatency(system, settings.seconds * 1000)));
    } finally {
      await system.stop();
    }
    // A carrier that takes about 1,000 submit_sm/s (20 outstanding, 20 ms each): a bulk
    // backlog builds up in front of it, and OTPs must overtake it.
    const throttled = await startSystem(name, {
      receipts,
      simulatorEnv: { SMSC_SIM_RESPONSE_DELAY_MS: '20' },
      window: 20,
    });
    try {
      rows.push(await otpDuringBulk(throttled));
    } finally {
      await throttled.stop();
    }
  }
  console.log(
    markdown(
      'bench/carrier',
      `node dist/bench/carrier.js ${process.argv.slice(2).join(' ')}`,
      rows,
    ),
  );
}

/**
 * Saturation: wrk sends as fast as the API takes them (bench/lib/wrk.ts), then the bench waits
 * until every accepted message reached the carrier. The rate counts submit_sm at the simulator;
 * "accepted" (2xx answers wrk counted) against "at carrier" is the cross-check: the requests
 * still in flight when wrk stops may reach the carrier unanswered, up to one per connection.
 */
async function saturation(system: RunningSystem, { seconds, wrk }: LoadSettings): Promise<Row[]> {
  const { target, simulator } = system;
  await warmUp(system, wrk);
  // The simulator lists every submit in the order it received them: the warm-up's come first.
  const warmedUp = await simulator.submitCount();
  const walWritten = await startWalCount(target);
  const started = wallClock();
  let wrkCpuMs = 0;
  let accepted = 0;
  let failed = 0;
  let busyNote = '';
  const cpu = await measureCpu(
    target.pids(),
    async () => {
      const load = await saturate(target, 'carrier saturation', seconds, wrk);
      wrkCpuMs = load.cpuMs;
      accepted = load.ok;
      failed = load.failed;
      if (load.failed > 0) console.error(`${target.name}: saturation failures`, load);
      // Until the receipts and everything else these messages caused are handled too: that work
      // belongs to their CPU per message, and must not run into the paced scenario that follows.
      busyNote = await carriedThrough(system, warmedUp + accepted);
      return (await simulator.submits()).slice(warmedUp);
    },
    simulator,
  );
  const submits = cpu.result;
  const wal = await walWritten();
  const last = extremes(submits.map((submit) => Date.parse(submit.receivedAt))).max;
  const perSecond = (submits.length * 1000) / (last - started);
  // wrk is part of the harness: its CPU joins this process's and the simulator's.
  const harnessCpuMs = (cpu.harnessCpuMs ?? 0) + wrkCpuMs;
  const rows: Row[] = [
    {
      target: target.name,
      scenario: `saturation, ${seconds} s of load, ${wrk.connections} connections (wrk)${busyNote}`,
      cells: {
        'submit_sm/s': fmt.rate(perSecond),
        accepted: String(accepted),
        failed: String(failed),
        'at carrier': String(submits.length),
        ...cpuCells({ ...cpu, harnessCpuMs }, submits.length, 'msg'),
        'PostgreSQL WAL/msg': walPerItem(wal, submits.length),
      },
    },
  ];
  // Cluster mode: which of its processes the CPU per message goes to.
  const byProcess = cpuByProcess(cpu, submits.length, 'message');
  if (byProcess)
    rows.push({
      target: target.name,
      scenario: `saturation, CPU by process: ${byProcess}`,
      cells: {},
    });
  return rows;
}

/**
 * The same load for WARMUP_SECONDS first, not counted, carried through to the carrier and
 * settled (receipts included) before the measured run starts.
 */
async function warmUp(system: RunningSystem, wrk: LoadSettings['wrk']): Promise<void> {
  const before = await system.simulator.submitCount();
  const load = await saturate(system.target, 'carrier warm-up', WARMUP_SECONDS, wrk);
  await carriedThrough(system, before + load.ok, { label: `${system.target.name} (warm-up)` });
}

/**
 * A steady 1,000 messages/s: time from the request to its submit_sm at the carrier and, for a
 * system that keeps a status history, the legs of that time (every 10th message's history).
 */
async function pacedLatency(
  { target, simulator }: RunningSystem,
  durationMs: number,
): Promise<Row[]> {
  const before = await simulator.submitCount();
  const sentAt = new Map<string, number>();
  const ids = new Map<string, string>();
  const load = await paced({
    perSecond: 1_000,
    durationMs: Math.min(durationMs, 10_000),
    send: async (n) => {
      const text = `carrier paced ${n}`;
      sentAt.set(text, wallClock());
      const id = await target.submit(destination(n), text);
      if (id !== undefined && n % 10 === 0) ids.set(text, id);
    },
  });
  await waitForSubmits(simulator, before + load.completed, 120_000);
  const atCarrier = new Map<string, number>();
  for (const submit of await simulator.submits()) {
    if (sentAt.has(submit.text)) atCarrier.set(submit.text, Date.parse(submit.receivedAt));
  }
  const latencies = Float64Array.from(
    [...atCarrier].map(([text, received]) => received - (sentAt.get(text) ?? received)),
  );
  const rows: Row[] = [
    {
      target: target.name,
      scenario: 'paced 1,000/s, request to submit_sm',
      cells: {
        'at carrier': String(latencies.length),
        p50: fmt.ms(quantile(latencies, 0.5)),
        p99: fmt.ms(quantile(latencies, 0.99)),
      },
    },
  ];
  const history = target.history?.bind(target);
  if (!history || ids.size === 0) return rows;
  // Read after the run, 16 at a time: the API's reads are not part of the measured load.
  const sampled = [...ids];
  const times: MessageTimes[] = [];
  let next = 0;
  const reader = async () => {
    while (next < sampled.length) {
      const [text, id] = sampled[next++];
      times.push(timesOf(sentAt.get(text) ?? 0, await history(id), atCarrier.get(text)));
    }
  };
  await Promise.all(Array.from({ length: 16 }, reader));
  for (const { name, durations } of stageDurations(times)) {
    rows.push({
      target: target.name,
      scenario: `paced 1,000/s, leg: ${name} (${durations.length} messages)`,
      cells: { p50: fmt.ms(quantile(durations, 0.5)), p99: fmt.ms(quantile(durations, 0.99)) },
    });
  }
  return rows;
}

/** 20,000 bulk messages queued in front of a ~1,000/s carrier, then OTPs at 20/s. */
async function otpDuringBulk({ target, simulator }: RunningSystem): Promise<Row> {
  const backlog = 20_000;
  let queued = 0;
  if (target.submitBatch) {
    const submitBatch = target.submitBatch.bind(target);
    const texts = (batch: number) => Array.from({ length: 100 }, (_, i) => `bulk ${batch}-${i}`);
    await closedLoop({
      concurrency: 4,
      durationMs: 60_000,
      send: async (n) => {
        if (queued >= backlog) return;
        queued += 100;
        await submitBatch(destination(n), texts(n), 'bulk');
      },
    }).catch(() => undefined);
  } else {
    await closedLoop({
      concurrency: 64,
      durationMs: 60_000,
      send: async (n) => {
        if (queued >= backlog) return;
        queued++;
        await target.submit(destination(n), `bulk ${n}`, { priority: 'bulk' });
      },
    });
  }
  const sentAt = new Map<string, number>();
  await paced({
    perSecond: 20,
    durationMs: 10_000,
    send: (n) => {
      const text = `otp ${n}`;
      sentAt.set(text, wallClock());
      return target.submit(destination(n), text, { priority: 'otp' });
    },
  });
  await waitForSubmits(simulator, backlog + sentAt.size, 300_000);
  const submits = await simulator.submits();
  const otp = Float64Array.from(
    submits.flatMap((submit) => {
      const sent = sentAt.get(submit.text);
      return sent === undefined ? [] : [Date.parse(submit.receivedAt) - sent];
    }),
  );
  return {
    target: target.name,
    scenario: `OTP at 20/s behind ${backlog.toLocaleString('en-US')} bulk, carrier ~1,000/s`,
    cells: {
      'OTP at carrier': `${otp.length}/${sentAt.size}`,
      'OTP p50': fmt.ms(quantile(otp, 0.5)),
      'OTP p99': fmt.ms(quantile(otp, 0.99)),
    },
  };
}

runBench(main);
