// bench/ingress: how many messages each system accepts per second, and how fast it answers.
//   node dist/bench/ingress.js [--systems=kannel,all-in-one-postgres,...] [--seconds=15] [--receipts=off]
//                              [--wrk-threads=2] [--wrk-connections=64]
// Run through bench/run.sh, which starts PostgreSQL and Kafka, installs wrk and builds first.
import { harnessCpu } from './lib/cpu';
import { runBench } from './lib/cli';
import { carriedThrough } from './lib/drain';
import { type LoadResult, closedLoop, paced } from './lib/load';
import { type Row, fmt, latencyCells, markdown } from './lib/report';
import { type RunningSystem, receiptsWanted, selectedSystems, startSystem } from './lib/systems';
import { WARMUP_SECONDS } from './lib/warm-up';
import { type LoadSettings, type WrkResult, loadSettings, saturate } from './lib/wrk';
import { destination } from './targets/target';

async function main(): Promise<void> {
  const settings = loadSettings(process.argv);
  const receipts = receiptsWanted(process.argv);
  const rows: Row[] = [];
  for (const name of selectedSystems(process.argv)) {
    const system = await startSystem(name, { receipts });
    try {
      rows.push(...(await measure(system, settings)));
    } finally {
      await system.stop();
    }
  }
  console.log(
    markdown(
      'bench/ingress',
      `node dist/bench/ingress.js ${process.argv.slice(2).join(' ')}`,
      rows,
    ),
  );
}

async function measure(system: RunningSystem, { seconds, wrk }: LoadSettings): Promise<Row[]> {
  const { target } = system;
  const durationMs = seconds * 1000;
  const rows: Row[] = [];
  const row = (
    scenario: string,
    result: LoadResult | WrkResult,
    messagesPerCall = 1,
    extra: Record<string, string> = {},
  ): Row => ({
    target: target.name,
    scenario,
    cells: {
      'accepted/s': fmt.rate(result.perSecond * messagesPerCall),
      ...latencyCells(result),
      ...extra,
    },
  });
  let sent = 0;
  // Let the pipeline behind the API catch up (receipts included) before the next scenario.
  const settle = () => carriedThrough(system, sent, { submitsTimeoutMs: 180_000 });

  // Saturation from wrk (bench/lib/wrk.ts): the Node generator would spend most of the cores.
  // A warm-up run first (WARMUP_SECONDS), not counted and settled: the measured run starts on an
  // idle pipeline, as in bench/carrier. The harness's CPU covers the measured run alone: this
  // process, the simulator, and wrk.
  sent += (await saturate(target, 'ingress warm-up', WARMUP_SECONDS, wrk)).ok;
  await settle();
  const harness = harnessCpu(system.simulator);
  const single = await saturate(target, 'ingress single', seconds, wrk);
  const harnessCpuMs = harness.stop() + single.cpuMs;
  sent += single.ok;
  if (single.failed > 0) console.error(`${target.name}: REST single failures`, single);
  rows.push(
    row(`REST single, ${wrk.connections} connections (wrk)`, single, 1, {
      'harness CPU/req': fmt.cpu(harnessCpuMs / Math.max(1, single.requests)),
      // wrk's own share of it: what the load generator costs, apart from the simulator.
      'wrk CPU/req': fmt.cpu(single.cpuMs / Math.max(1, single.requests)),
    }),
  );
  await settle();

  if (target.submitBatch) {
    const submitBatch = target.submitBatch.bind(target);
    const size = 100;
    const texts = Array.from({ length: size }, (_, i) => `ingress batch ${i}`);
    const batch = await closedLoop({
      concurrency: 8,
      warmupMs: 2_000,
      durationMs,
      send: (n) => submitBatch(destination(n), texts),
    });
    sent += (batch.completed + batch.failed) * size;
    rows.push(row(`REST batch of ${size}, 8 concurrent`, batch, size));
    await settle();
  }

  if (target.submitGrpc) {
    const submitGrpc = target.submitGrpc.bind(target);
    const grpc = await closedLoop({
      concurrency: 64,
      warmupMs: 2_000,
      durationMs,
      send: (n) => submitGrpc(destination(n), `ingress grpc ${n}`),
    });
    sent += grpc.completed + grpc.failed;
    rows.push(row('gRPC single, 64 concurrent', grpc));
    await settle();
  }

  const steady = await paced({
    perSecond: 1_000,
    durationMs: Math.min(durationMs, 10_000),
    send: (n) => target.submit(destination(n), `ingress paced ${n}`),
  });
  rows.push(row('REST single, paced 1,000/s', steady));
  return rows;
}

runBench(main);
