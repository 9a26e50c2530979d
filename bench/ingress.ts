// bench/ingress: how many messages each system accepts per second, and how fast it answers.
//   node dist/bench/ingress.js [--systems=kannel,all-in-one-postgres,...] [--seconds=15] [--receipts=off]
// Run through bench/run.sh, which starts PostgreSQL and Kafka and builds first.
import { type LoadResult, closedLoop, paced } from './lib/load';
import { type Row, fmt, latencyCells, markdown } from './lib/report';
import { type RunningSystem, receiptsWanted, selectedSystems, startSystem } from './lib/systems';
import { harnessCpu } from './lib/cpu';
import { waitForQuiet, waitForSubmits } from './lib/drain';

const seconds = Number(process.argv.find((arg) => arg.startsWith('--seconds='))?.slice(10) ?? 15);
const durationMs = seconds * 1000;
const receipts = receiptsWanted(process.argv);
const destination = (n: number) => `+38267${String(100000 + (n % 800000)).padStart(6, '0')}`;

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const name of selectedSystems(process.argv)) {
    const system = await startSystem(name, { receipts });
    try {
      rows.push(...(await measure(system)));
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

async function measure(system: RunningSystem): Promise<Row[]> {
  const { target } = system;
  const rows: Row[] = [];
  const row = (
    scenario: string,
    result: LoadResult,
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
  const settle = async () => {
    // Let the pipeline behind the API catch up (receipts included) before the next scenario.
    await waitForSubmits(system.simulator, sent, 180_000);
    await waitForQuiet(() => system.target.pids(), 120_000);
  };

  // The harness's CPU per request (warm-up included on both sides of the division).
  const harness = harnessCpu(system.simulator);
  let singleRequests = 0;
  const single = await closedLoop({
    concurrency: 64,
    warmupMs: 2_000,
    durationMs,
    send: (n) => {
      singleRequests++;
      return target.submit(destination(n), `ingress single ${n}`);
    },
  });
  const harnessCpuMs = harness.stop();
  sent += single.completed + single.failed;
  rows.push(
    row('REST single, 64 concurrent', single, 1, {
      'harness CPU/req': fmt.cpu(harnessCpuMs / Math.max(1, singleRequests)),
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
